using System.Text.Json.Serialization;
using Marketplace.Core.Search;

namespace Marketplace.Search.Elasticsearch;

/// <summary>
/// The indexed shape, matching infra/elasticsearch/offerings-template.json field for field (the mapping is
/// strict). Kept apart from the domain record so a new domain property never breaks indexing silently.
/// </summary>
internal sealed class EsOffering
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("providerId")] public required string ProviderId { get; init; }
    [JsonPropertyName("providerName")] public required string ProviderName { get; init; }
    [JsonPropertyName("title")] public required string Title { get; init; }
    [JsonPropertyName("summary")] public required string Summary { get; init; }
    [JsonPropertyName("description")] public required string Description { get; init; }
    [JsonPropertyName("tags")] public required IReadOnlyList<string> Tags { get; init; }
    [JsonPropertyName("category")] public required string Category { get; init; }
    [JsonPropertyName("mode")] public required string Mode { get; init; }
    [JsonPropertyName("grades")] public required IReadOnlyList<int> Grades { get; init; }
    [JsonPropertyName("districts")] public required IReadOnlyList<string> Districts { get; init; }
    /// <summary>Not required when read: a search during the rebuild after the upgrade still reads documents written without it.</summary>
    [JsonPropertyName("visibleIn")] public IReadOnlyList<string> VisibleIn { get; init; } = [];
    /// <summary>The districts it serves on campus (a school's radius takes them in); not required when read, as <see cref="VisibleIn"/>.</summary>
    [JsonPropertyName("campusDistricts")] public IReadOnlyList<string> CampusDistricts { get; init; } = [];
    [JsonPropertyName("priceFen")] public required long PriceFen { get; init; }
    [JsonPropertyName("venue")] public EsGeoPoint? Venue { get; init; }
    [JsonPropertyName("sessions")] public required IReadOnlyList<EsSession> Sessions { get; init; }
    [JsonPropertyName("version")] public required long Version { get; init; }
    [JsonPropertyName("updatedAt")] public required DateTimeOffset UpdatedAt { get; init; }

    public static EsOffering From(OfferingDocument d) => new()
    {
        Id = d.Id.ToString(), ProviderId = d.ProviderId.ToString(), ProviderName = d.ProviderName, Title = d.Title,
        Summary = d.Summary, Description = d.Description, Tags = d.Tags, Category = d.Category.ToString(), Mode = d.Mode.ToString(),
        Grades = d.Grades, Districts = d.Districts, VisibleIn = d.VisibleIn, CampusDistricts = d.CampusDistricts, PriceFen = d.PriceFen,
        Venue = d.Venue is { } v ? new EsGeoPoint(v.Lat, v.Lon) : null,
        Sessions = d.Sessions.Select(EsSession.From).ToList(),
        Version = d.Version, UpdatedAt = d.UpdatedAt.ToUniversalTime(),
    };
}

/// <summary>
/// What stays of a removed offering: its id and the version (outbox cursor) that removed it, so older upserts stay refused
/// (an externally versioned delete would forget that after <c>index.gc_deletes</c>). Every search filters these out.
/// </summary>
internal sealed class EsRemoval
{
    public const string Field = "removed";

    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName(Field)] public bool Removed => true;
    [JsonPropertyName("version")] public required long Version { get; init; }
}
