using Marketplace.Core.Catalog;
using Marketplace.Core.Search;
using Marketplace.Search.Lucene;
using Microsoft.Extensions.Options;

namespace Marketplace.Adapters.Tests.Search;

/// <summary>
/// The Lucene adapter's filters, totals, facets and sort keys against a plain LINQ evaluation of the same documents, on
/// hundreds of random filter combinations over an index of several segments with updated (deleted) documents.
/// </summary>
public sealed class LuceneSearchReferenceTests(TempIndexFolder folder) : IClassFixture<TempIndexFolder>
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly string[] DistrictPool = ["310104", "310105", "310106", "330106", "510107"];
    private static readonly GeoPoint Centre = new(31.2304, 121.4737);
    private static readonly long[] Prices = [0, 1, 500, 1000, 1001, 3000, 5000, 5001, 9000];

    [Fact]
    public async Task FiltersTotalsFacetsAndSortKeys_MatchAPlainEvaluation()
    {
        var random = new Random(42);
        var documents = Enumerable.Range(0, 300).Select(i => RandomOffering(random, i)).ToDictionary(d => d.Id);
        using var index = new LuceneOfferingIndex(Options.Create(new LuceneIndexOptions { Directory = folder.NewSubfolder() }));
        await index.InitializeAsync();
        foreach (var document in documents.Values) await index.UpsertAsync(document);
        // Updates leave deleted documents behind in older segments; removals too.
        foreach (var id in documents.Keys.Where((_, i) => i % 7 == 0).ToList())
        {
            var updated = RandomOffering(random, 1000) with { Id = id, Version = 2 };
            documents[id] = updated;
            await index.UpsertAsync(updated);
        }
        foreach (var id in documents.Keys.Where((_, i) => i % 23 == 0).ToList())
        {
            documents.Remove(id);
            await index.RemoveAsync(id, 3);
        }

        for (var round = 0; round < 400; round++)
        {
            var query = RandomQuery(random);
            var result = await index.SearchAsync(query);
            var expected = Evaluate(documents.Values, query);
            var context = $"round {round}: {query}";

            Assert.True(expected.Matches.Count == result.Total, $"{context}: total {result.Total}, expected {expected.Matches.Count}");
            AssertFacet(expected.Category, result.Facets.Category, context + " category");
            AssertFacet(expected.Mode, result.Facets.Mode, context + " mode");
            AssertFacet(expected.District, result.Facets.District, context + " district");
            AssertFacet(expected.Price, result.Facets.Price, context + " price");

            var from = (query.Page - 1) * query.PageSize;
            var page = expected.Matches.Skip(from).Take(query.PageSize).ToList();
            Assert.True(page.Count == result.Items.Count, $"{context}: {result.Items.Count} items, expected {page.Count}");
            var matchIds = expected.Matches.Select(m => m.Document.Id).ToHashSet();
            Assert.All(result.Items, item => Assert.Contains(item.Id, matchIds));
            var keys = result.Items.Select(item => Key(documents[item.Id], query)).ToList();
            Assert.True(page.Select(m => m.Key).SequenceEqual(keys), $"{context}: keys [{string.Join(",", keys)}], expected [{string.Join(",", page.Select(m => m.Key))}]");
        }
    }

    private static void AssertFacet(Dictionary<string, long> expected, IReadOnlyDictionary<string, long> actual, string context)
    {
        foreach (var (value, count) in expected)
            Assert.True(count == actual.GetValueOrDefault(value), $"{context} {value}: {actual.GetValueOrDefault(value)}, expected {count}");
        foreach (var (value, count) in actual)
            Assert.True(count == expected.GetValueOrDefault(value), $"{context} {value}: {count}, expected {expected.GetValueOrDefault(value)}");
    }

    private sealed record Match(OfferingDocument Document, double Key);

    private sealed record Expected(List<Match> Matches, Dictionary<string, long> Category, Dictionary<string, long> Mode, Dictionary<string, long> District, Dictionary<string, long> Price);

    private static Expected Evaluate(IEnumerable<OfferingDocument> documents, OfferingQuery q)
    {
        var passing = documents.Where(d => PassesNonFacet(d, q)).ToList();
        bool CategoryOk(OfferingDocument d) => q.Category is null || d.Category == q.Category;
        bool ModeOk(OfferingDocument d) => q.Mode is null || d.Mode == q.Mode || d.Mode == DeliveryMode.Both;
        bool DistrictOk(OfferingDocument d) => q.District is null || d.Districts.Contains(q.District);
        bool PriceOk(OfferingDocument d) => q.MaxPriceFen is null || d.PriceFen <= q.MaxPriceFen;
        Dictionary<string, long> Count(Func<OfferingDocument, bool> others, Func<OfferingDocument, IEnumerable<string>> values) =>
            passing.Where(others).SelectMany(values).GroupBy(v => v).ToDictionary(g => g.Key, g => (long)g.Count());

        var matches = passing.Where(d => CategoryOk(d) && ModeOk(d) && DistrictOk(d) && PriceOk(d)).Select(d => new Match(d, Key(d, q))).OrderBy(m => m.Key).ToList();
        return new Expected(
            matches,
            Count(d => ModeOk(d) && DistrictOk(d) && PriceOk(d), d => [d.Category.ToString()]),
            Count(d => CategoryOk(d) && DistrictOk(d) && PriceOk(d), d => [d.Mode.ToString()]),
            Count(d => CategoryOk(d) && ModeOk(d) && PriceOk(d), d => d.Districts.Distinct()),
            Count(d => CategoryOk(d) && ModeOk(d) && DistrictOk(d), d => [PriceBands.Of(d.PriceFen)]));
    }

    private static bool PassesNonFacet(OfferingDocument d, OfferingQuery q)
    {
        if (q.Grade is { } grade && !d.Grades.Contains(grade)) return false;
        // One session meets every session condition at once: starts in [max(from, now), to), fits a window, open when asked.
        bool Meets(SessionSlot s) => s.StartsAt >= (q.From > q.Now ? q.From.Value : q.Now) && (q.To is null || s.StartsAt < q.To)
            && (q.Windows is null || q.Windows.Any(w => Fits(w, s))) && (!q.AvailableOnly || s.FreeSeats > 0);
        if ((q.From is not null || q.To is not null || q.Windows is not null || q.AvailableOnly) && !d.Sessions.Any(Meets)) return false;
        if (q.RadiusKm is { } radius)
            return q.Near is { } near && (d.Venue is { } venue && d.Mode is DeliveryMode.OffCampus or DeliveryMode.Both && venue.DistanceKmTo(near) <= radius
                || ComesToYou(d, q));
        return true;
    }

    /// <summary>Written out in Beijing wall-clock terms (not through <c>ChinaTime.WeekSlot</c>), so the adapter's tick arithmetic is checked.</summary>
    private static bool Fits(SessionWindow w, SessionSlot s)
    {
        var start = s.StartsAt.ToOffset(TimeSpan.FromHours(8));
        var midnight = new DateTimeOffset(start.Date, start.Offset);
        return (w.Day is null || w.Day == start.DayOfWeek) && (start - midnight).TotalMinutes >= w.StartMinute && (s.EndsAt - midnight).TotalMinutes <= w.EndMinute;
    }

    private static bool ComesToYou(OfferingDocument d, OfferingQuery q) =>
        q.ComesTo is { } district && d.Mode is DeliveryMode.OnCampus or DeliveryMode.Both && d.CampusDistricts.Contains(district);

    /// <summary>The sort key (0 for relevance without text: every document scores the same).</summary>
    private static double Key(OfferingDocument d, OfferingQuery q) => q.Sort switch
    {
        SearchSort.Price => d.PriceFen,
        SearchSort.Soonest => d.Sessions.Where(q.Matches).Select(s => (double)s.StartsAt.UtcTicks).DefaultIfEmpty(long.MaxValue).Min(),
        SearchSort.Distance => ComesToYou(d, q) ? 0 : d.Venue is { } venue && q.Near is { } near ? Math.Round(venue.DistanceKmTo(near), 9) : double.PositiveInfinity,
        _ => 0,
    };

    /// <summary>Windows on the half hours the random sessions start at: a weekday or none, a start bound, an end bound.</summary>
    private static SessionWindow[]? RandomWindows(Random r) => r.Next(4) != 0 ? null
        : [.. Enumerable.Range(0, r.Next(0, 3)).Select(_ => new SessionWindow(
            r.Next(3) == 0 ? null : (DayOfWeek)r.Next(7), 16 * 60 + r.Next(0, 4) * 30, r.Next(2) == 0 ? SessionWindow.OpenEnd : 17 * 60 + r.Next(0, 4) * 30))];

    private static OfferingQuery RandomQuery(Random r)
    {
        T? Maybe<T>(Func<T> value) where T : struct => r.Next(3) == 0 ? value() : null;
        var near = r.Next(3) == 0 ? new GeoPoint(Centre.Lat + (r.NextDouble() - 0.5) * 0.2, Centre.Lon + (r.NextDouble() - 0.5) * 0.2) : null;
        var from = r.Next(5) == 0 ? Now.AddDays(r.Next(-3, 20)) : (DateTimeOffset?)null;
        return new OfferingQuery(
            Category: Maybe(() => (Category)r.Next(Enum.GetValues<Category>().Length)),
            Mode: Maybe(() => (DeliveryMode)r.Next(3)),
            Grade: Maybe(() => r.Next(1, 10)),
            District: r.Next(3) == 0 ? DistrictPool[r.Next(DistrictPool.Length)] : null,
            Near: near,
            RadiusKm: near is not null && r.Next(2) == 0 ? r.Next(1, 12) : null,
            From: from,
            To: from is { } f && r.Next(2) == 0 ? f.AddDays(r.Next(1, 10)) : null,
            MaxPriceFen: Maybe(() => Prices[r.Next(Prices.Length)]),
            AvailableOnly: r.Next(3) == 0,
            Sort: near is null ? (SearchSort)new[] { 0, 2, 3 }[r.Next(3)] : (SearchSort)r.Next(4),
            Page: r.Next(1, 4),
            PageSize: r.Next(1, 25),
            Now: Now)
        {
            Windows = RandomWindows(r),
            ComesTo = near is not null && r.Next(2) == 0 ? DistrictPool[r.Next(DistrictPool.Length)] : null,
        };
    }

    private static OfferingDocument RandomOffering(Random r, int n)
    {
        var mode = (DeliveryMode)r.Next(3);
        var districts = DistrictPool.Where(_ => r.Next(3) == 0).DefaultIfEmpty(DistrictPool[r.Next(DistrictPool.Length)]).ToArray();
        GeoPoint? venue = mode != DeliveryMode.OnCampus || r.Next(4) == 0
            ? new GeoPoint(Centre.Lat + (r.NextDouble() - 0.5) * 0.3, Centre.Lon + (r.NextDouble() - 0.5) * 0.3)
            : null;
        var sessions = Enumerable.Range(0, r.Next(0, 5)).Select(_ =>
        {
            // Now is 16:00 in Beijing: sessions start at 16:00–17:30 on any weekday and last one or two hours.
            var start = Now.AddDays(r.Next(-6, 30)).AddMinutes(r.Next(0, 4) * 30);
            return new SessionSlot(Guid.NewGuid(), start, start.AddHours(r.Next(1, 3)), r.Next(0, 3));
        }).DistinctBy(s => s.StartsAt).ToList(); // no two sessions of an offering start at once
        var grades = Enumerable.Range(1, 9).Where(_ => r.Next(3) == 0).DefaultIfEmpty(r.Next(1, 10)).ToArray();
        return new OfferingDocument(Guid.NewGuid(), Guid.NewGuid(), $"机构{n % 17}", $"课程{n}", "课后服务", "描述", ["兴趣"],
            (Category)r.Next(Enum.GetValues<Category>().Length), mode, grades, districts, Prices[r.Next(Prices.Length)], venue, sessions, 1, Now.AddDays(-1))
        {
            CampusDistricts = mode == DeliveryMode.OffCampus ? [] : districts,
        };
    }
}
