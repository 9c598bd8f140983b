using System.Text.Json.Serialization;

namespace Marketplace.Search.Elasticsearch;

/// <summary>One session as a nested document, so date and free-seat conditions apply to the same session.</summary>
internal sealed record EsSession(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("startsAt")] DateTimeOffset StartsAt,
    [property: JsonPropertyName("endsAt")] DateTimeOffset EndsAt,
    [property: JsonPropertyName("freeSeats")] int FreeSeats);
