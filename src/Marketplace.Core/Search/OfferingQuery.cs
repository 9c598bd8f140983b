using Marketplace.Core.Catalog;

namespace Marketplace.Core.Search;

public enum SearchSort { Relevance, Distance, Price, Soonest }

/// <summary>
/// One search, already validated. Semantics every adapter must honour:
/// <list type="bullet">
/// <item>Text: Chinese-segmented full text over title (boosted), summary, description, provider name and tags, with synonyms; all terms should match (AND), ranked BM25.</item>
/// <item>Mode OnCampus / OffCampus also matches offerings of mode Both.</item>
/// <item>Near + RadiusKm: only offerings with a venue within the radius (OffCampus/Both); Near alone only computes distance. With
/// <see cref="ComesTo"/> (a school searching around itself) also every offering serving on campus with that district among its
/// <see cref="OfferingDocument.CampusDistricts"/>: the provider comes to the school, so its distance is 0 and the hit says
/// <see cref="SearchHit.ComesToYou"/>; only 走出去 venues are filtered by distance.</item>
/// <item>Session conditions — From/To, <see cref="Windows"/>, AvailableOnly — hold for ONE session at once (<see cref="Matches"/>): it
/// starts in [max(From, Now), To), it fits one of the windows, and with AvailableOnly it has free seats (a school looking for free
/// seats on Tuesday afternoons in September does not want an offering whose Tuesday sessions are full and whose free ones are on
/// Saturdays). Without any of them an offering needs no session.</item>
/// <item>Facets count under every filter except the facet's own dimension (multi-select faceting); the total counts all filters.</item>
/// <item>VisibleIn: only offerings whose <see cref="OfferingDocument.VisibleIn"/> holds that district (a school's search): a filter, not a facet.</item>
/// <item>Sort Soonest: by the start of the first session meeting the session conditions (after Now when there are none; offerings
/// without one last); Price ascending; Distance ascending (needs Near).</item>
/// </list>
/// </summary>
public sealed record OfferingQuery(
    string? Text = null, Category? Category = null, DeliveryMode? Mode = null, int? Grade = null, string? District = null,
    GeoPoint? Near = null, double? RadiusKm = null, DateTimeOffset? From = null, DateTimeOffset? To = null, long? MaxPriceFen = null,
    bool AvailableOnly = false, SearchSort Sort = SearchSort.Relevance, int Page = 1, int PageSize = 20, DateTimeOffset Now = default,
    string? VisibleIn = null)
{
    /// <summary>Weekly windows a session must fit (one of them); null: no window condition, empty: no session fits.</summary>
    public IReadOnlyList<SessionWindow>? Windows { get; init; }

    /// <summary>The district of the school the search is around (its own point): on-campus offerings serving it are within any radius.</summary>
    public string? ComesTo { get; init; }

    /// <summary>Whether any session condition applies (then an offering needs a session meeting them all).</summary>
    public bool FiltersSessions => From is not null || To is not null || Windows is not null || AvailableOnly;

    /// <summary>The earliest start a session may have: From, but never before Now.</summary>
    public DateTimeOffset SessionsFrom => From is { } from && from > Now ? from : Now;

    /// <summary>Whether the session starts in [<see cref="SessionsFrom"/>, To).</summary>
    public bool InRange(SessionSlot session) => session.StartsAt >= SessionsFrom && (To is not { } to || session.StartsAt < to);

    /// <summary>Every session condition at once: in range, in a window, and with free seats when AvailableOnly.</summary>
    public bool Matches(SessionSlot session) =>
        InRange(session) && SessionWindow.AnyFits(Windows, session.StartsAt, session.EndsAt) && (!AvailableOnly || session.FreeSeats > 0);
}

public sealed record SearchHit(
    Guid Id, string Title, string Summary, Category Category, DeliveryMode Mode, string ProviderName, long PriceFen,
    IReadOnlyList<int> Grades, double? DistanceKm, IReadOnlyDictionary<string, IReadOnlyList<string>> Highlights, SessionSlot? NextSession, double Score)
{
    /// <summary>The first <see cref="HitSessions.MaxUpcoming"/> sessions in the query's range, each saying whether it fits the windows.</summary>
    public IReadOnlyList<SessionFit> Upcoming { get; init; } = [];

    /// <summary>It serves on campus in the query's <see cref="OfferingQuery.ComesTo"/> district: the provider comes to the school.</summary>
    public bool ComesToYou { get; init; }
}

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
