using Marketplace.Core.Catalog;

namespace Marketplace.Core.Search;

public enum SearchSort { Relevance, Distance, Price, Soonest }

/// <summary>
/// One search, already validated. Semantics every adapter must honour:
/// <list type="bullet">
/// <item>Text: Chinese-segmented full text over title (boosted), summary, description, provider name and tags, with synonyms; all terms should match (AND), ranked BM25.</item>
/// <item>Mode OnCampus / OffCampus also matches offerings of mode Both.</item>
/// <item>Near + RadiusKm: only offerings with a venue within the radius (OffCampus/Both); Near alone only computes distance.</item>
/// <item>From/To: at least one session starting in [From, To). AvailableOnly: at least one session starting after Now with free seats —
/// with From/To, that same session starts in the range (a school looking for free seats in September does not want an offering
/// whose September sessions are full).</item>
/// <item>Facets count under every filter except the facet's own dimension (multi-select faceting); the total counts all filters.</item>
/// <item>VisibleIn: only offerings whose <see cref="OfferingDocument.VisibleIn"/> holds that district (a school's search): a filter, not a facet.</item>
/// <item>Sort Soonest: by the next session start after Now (offerings without one last); Price ascending; Distance ascending (needs Near).</item>
/// </list>
/// </summary>
public sealed record OfferingQuery(
    string? Text = null, Category? Category = null, DeliveryMode? Mode = null, int? Grade = null, string? District = null,
    GeoPoint? Near = null, double? RadiusKm = null, DateTimeOffset? From = null, DateTimeOffset? To = null, long? MaxPriceFen = null,
    bool AvailableOnly = false, SearchSort Sort = SearchSort.Relevance, int Page = 1, int PageSize = 20, DateTimeOffset Now = default,
    string? VisibleIn = null);

public sealed record SearchHit(
    Guid Id, string Title, string Summary, Category Category, DeliveryMode Mode, string ProviderName, long PriceFen,
    IReadOnlyList<int> Grades, double? DistanceKm, IReadOnlyDictionary<string, IReadOnlyList<string>> Highlights, SessionSlot? NextSession, double Score);

public sealed record SearchFacets(
    IReadOnlyDictionary<string, long> Category, IReadOnlyDictionary<string, long> Mode,
    IReadOnlyDictionary<string, long> District, IReadOnlyDictionary<string, long> Price);

public sealed record SearchResult(long Total, IReadOnlyList<SearchHit> Items, SearchFacets Facets);

/// <summary>Price bands for the price facet, in fen per pupil per session.</summary>
public static class PriceBands
{
    public const string Free = "free";          // 公益 0
    public const string UpTo10 = "1-1000";      // ≤ ¥10
    public const string UpTo50 = "1001-5000";   // ≤ ¥50
    public const string Above50 = "5001+";

    public static IReadOnlyList<string> All { get; } = [Free, UpTo10, UpTo50, Above50];

    public static string Of(long priceFen) => priceFen switch
    {
        <= 0 => Free,
        <= 1000 => UpTo10,
        <= 5000 => UpTo50,
        _ => Above50,
    };
}
