using System.Globalization;
using Marketplace.Core.Catalog;
using Marketplace.Core.Search;

namespace Marketplace.Benchmarks.Search;

/// <summary>One typical search, as the query string the web UI sends and as the port's query model.</summary>
internal sealed record MixedQuery(string Kind, string QueryString, OfferingQuery Query);

/// <summary>The mix: seven shapes in equal parts, with words, districts and places drawn at random.</summary>
internal sealed class QueryMix(int seed)
{
    public static readonly string[] Kinds = ["q", "q+category", "q+grade+district", "geo+radius+distance", "available+soonest", "maxPrice+mode", "q+page3"];

    private readonly Random _random = new(seed);

    public MixedQuery Next(DateTimeOffset now)
    {
        var kind = Kinds[_random.Next(Kinds.Length)];
        var term = Vocabulary.QueryTerms[_random.Next(Vocabulary.QueryTerms.Length)];
        var q = Uri.EscapeDataString(term);
        switch (kind)
        {
            case "q":
                return new(kind, $"q={q}", new OfferingQuery(Text: term, Now: now));
            case "q+category":
                var category = CategoryOf(term);
                return new(kind, $"q={q}&category={category}", new OfferingQuery(Text: term, Category: category, Now: now));
            case "q+grade+district":
                var grade = _random.Next(1, 10);
                var district = Vocabulary.Districts[_random.Next(Vocabulary.Districts.Length)].District.Code;
                return new(kind, $"q={q}&grade={grade}&district={district}", new OfferingQuery(Text: term, Grade: grade, District: district, Now: now));
            case "geo+radius+distance":
                var (_, lat, lon) = Vocabulary.Districts[_random.Next(Vocabulary.Districts.Length)];
                lat += (_random.NextDouble() - 0.5) * 0.04;
                lon += (_random.NextDouble() - 0.5) * 0.04;
                return new(kind, Invariant($"lat={lat:F4}&lon={lon:F4}&radiusKm=5&sort=distance"),
                    new OfferingQuery(Near: new GeoPoint(Math.Round(lat, 4), Math.Round(lon, 4)), RadiusKm: 5, Sort: SearchSort.Distance, Now: now));
            case "available+soonest":
                return new(kind, "available=true&sort=soonest", new OfferingQuery(AvailableOnly: true, Sort: SearchSort.Soonest, Now: now));
            case "maxPrice+mode":
                var maxPrice = _random.Next(1, 11) * 1000;
                var mode = _random.Next(2) == 0 ? DeliveryMode.OnCampus : DeliveryMode.OffCampus;
                return new(kind, Invariant($"maxPrice={maxPrice}&mode={mode}"), new OfferingQuery(Mode: mode, MaxPriceFen: maxPrice, Now: now));
            default:
                return new(kind, $"q={q}&page=3", new OfferingQuery(Text: term, Page: 3, Now: now));
        }
    }

    private static Category CategoryOf(string term)
    {
        foreach (var (category, topics) in Vocabulary.Topics)
            if (topics.Any(t => term.Contains(t, StringComparison.Ordinal))) return category;
        return Category.Arts; // 非物质文化遗产, 写字
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
