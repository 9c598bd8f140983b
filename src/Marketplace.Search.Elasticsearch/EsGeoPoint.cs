using System.Text.Json.Serialization;

namespace Marketplace.Search.Elasticsearch;

/// <summary>A geo_point in its object form.</summary>
internal sealed record EsGeoPoint([property: JsonPropertyName("lat")] double Lat, [property: JsonPropertyName("lon")] double Lon);
