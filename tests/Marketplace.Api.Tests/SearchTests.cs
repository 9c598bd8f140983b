using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Tests;

/// <summary>Search through the real host over the seeded demo and the embedded Lucene index.</summary>
public class SearchTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private Task<JsonNode> SearchAsync(string query, HttpClient? client = null) =>
        (client ?? factory.CreateClient()).GetJsonAsync("/api/search/offerings?" + query);

    private static JsonArray Items(JsonNode result) => result["items"]!.AsArray();

    [Fact]
    public async Task ChineseQuery_IsSegmented_AndHighlighted()
    {
        var result = await SearchAsync("q=机器人编程");
        Assert.True(result["total"]!.GetValue<long>() > 0);
        var first = Items(result)[0]!;
        Assert.Contains("机器人", first["title"]!.GetValue<string>());
        Assert.Contains("<em>", first["highlights"]!.AsObject().First().Value!.AsArray()[0]!.GetValue<string>());
    }

    [Fact]
    public async Task Football_DoesNotMatchBasketball()
    {
        var football = Items(await SearchAsync("q=足球&pageSize=100"));
        Assert.NotEmpty(football);
        Assert.Contains("足球", football[0]!["title"]!.GetValue<string>()); // a title match outranks a provider-name match
        var basketball = Items(await SearchAsync("q=篮球&pageSize=100"));
        Assert.NotEmpty(basketball);
        // Every hit really contains the word (a 篮球 course may match 足球 through its provider, a football club),
        // never just the shared character 球.
        foreach (var (word, hits) in new[] { ("足球", football), ("篮球", basketball) })
            Assert.All(hits, i => Assert.True(new[] { "title", "summary", "providerName" }.Any(f => i![f]!.GetValue<string>().Contains(word, StringComparison.Ordinal)),
                $"{i!["title"]} matched {word} without containing it"));
    }

    /// <summary>
    /// The domain words of PRODUCT.md's example searches find the demo offerings that hold them (or the synonym
    /// 非物质文化遗产), and only those. The texts that tell kept words from SmartCn's split (非遗传承人, 研学社 without
    /// 学 elsewhere, 非常…遗址) are in LuceneOfferingIndexTests.DomainWords_FindTheirCompounds_AndNotTextsThatMerelyHoldTheirCharacters.
    /// </summary>
    [Theory]
    [InlineData("非遗", new[] { "非遗竹编手作", "非遗皮影戏体验", "非物质文化遗产：剪纸" }, new[] { "非遗", "非物质文化遗产" })]
    [InlineData("研学", new[] { "农耕研学实践", "小小讲解员研学社" }, new[] { "研学" })]
    public async Task DomainWords_FindTheirOfferings_AndOnlyThose(string word, string[] titles, string[] holding)
    {
        var hits = Items(await SearchAsync("pageSize=100&q=" + Uri.EscapeDataString(word)));
        var found = hits.Select(h => h!["title"]!.GetValue<string>()).ToHashSet();
        Assert.All(titles, title => Assert.Contains(found, f => f.Contains(title, StringComparison.Ordinal)));
        // The synonym 非物质文化遗产 is highlighted only whole: not the 文化 of 非遗文化传习中心.
        Assert.DoesNotContain(hits.SelectMany(h => h!["highlights"]!.AsObject().SelectMany(f => f.Value!.AsArray())),
            f => f!.GetValue<string>().Contains("</em><em>文化</em>传习", StringComparison.Ordinal));
        foreach (var hit in hits)
        {
            var offering = (await factory.CreateClient().GetJsonAsync($"/api/offerings/{hit!["id"]}")).ToJsonString(new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            Assert.True(holding.Any(w => offering.Contains(w, StringComparison.Ordinal)), $"{hit["title"]} matched {word} without holding it");
        }
    }

    [Theory]
    [InlineData("category=Sports", "category", "Sports")]
    [InlineData("category=Reading", "category", "Reading")]
    public async Task CategoryFilter_ReturnsOnlyThatCategory(string query, string field, string value)
    {
        var items = Items(await SearchAsync(query + "&pageSize=100"));
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Equal(value, i![field]!.GetValue<string>()));
    }

    [Fact]
    public async Task ModeFilter_IncludesBoth()
    {
        var items = Items(await SearchAsync("mode=OnCampus&pageSize=100"));
        Assert.All(items, i => Assert.Contains(i!["mode"]!.GetValue<string>(), new[] { "OnCampus", "Both" }));
        Assert.Contains(items, i => i!["mode"]!.GetValue<string>() == "Both");
    }

    [Fact]
    public async Task GradeAndPriceFilters_Hold()
    {
        var items = Items(await SearchAsync("grade=2&maxPrice=1000&pageSize=100"));
        Assert.NotEmpty(items);
        Assert.All(items, i =>
        {
            Assert.Contains(2, i!["grades"]!.AsArray().Select(g => g!.GetValue<int>()));
            Assert.True(i["priceFen"]!.GetValue<long>() <= 1000);
        });
    }

    [Fact]
    public async Task Radius_LimitsDistance_AndDistanceSortAscends()
    {
        var items = Items(await SearchAsync("lat=39.92&lon=116.44&radiusKm=8&sort=distance&pageSize=100"));
        Assert.NotEmpty(items);
        var distances = items.Select(i => i!["distanceKm"]!.GetValue<double>()).ToList();
        Assert.All(distances, d => Assert.InRange(d, 0, 8));
        Assert.Equal(distances.Order(), distances);
    }

    [Fact]
    public async Task School_SearchesFromItsOwnLocation()
    {
        var school = await factory.ClientForAsync("school1");
        var items = Items(await SearchAsync("radiusKm=10&sort=distance", school));
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.NotNull(i!["distanceKm"]));
    }

    [Fact]
    public async Task PriceAndSoonestSorts_Order()
    {
        var prices = Items(await SearchAsync("sort=price&pageSize=50")).Select(i => i!["priceFen"]!.GetValue<long>()).ToList();
        Assert.Equal(prices.Order(), prices);
        var soonest = Items(await SearchAsync("sort=soonest&available=true&pageSize=50"))
            .Select(i => i!["nextSession"]!["startsAt"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.Equal(soonest.Order(), soonest);
    }

    [Fact]
    public async Task DateRange_And_Available_RequireAFittingSession()
    {
        // As OfferingQuery defines them: a session starting in the range that has free seats.
        var today = ChinaTime.Today(TimeProvider.System);
        var (from, to) = (today.AddDays(14), today.AddDays(16));
        var items = Items(await SearchAsync($"from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&available=true&pageSize=100"));
        Assert.NotEmpty(items);
        foreach (var item in items)
        {
            var sessions = (await factory.CreateClient().GetJsonAsync($"/api/offerings/{item!["id"]}/sessions")).AsArray();
            Assert.Contains(sessions, s => ChinaTime.DateOf(s!["startsAt"]!.GetValue<DateTimeOffset>()) is var d && d >= from && d <= to
                && s["freeSeats"]!.GetValue<int>() > 0);
        }
    }

    [Fact]
    public async Task Facets_SumToTheFilteredTotal()
    {
        var result = await SearchAsync("q=课程&grade=4");
        var total = result["total"]!.GetValue<long>();
        foreach (var facet in new[] { "category", "price" })
            Assert.Equal(total, result["facets"]![facet]!.AsObject().Sum(kv => kv.Value!.GetValue<long>()));
        var sports = await SearchAsync("q=课程&grade=4&category=Sports");
        Assert.Equal(result["facets"]!["category"]!["Sports"]?.GetValue<long>() ?? 0, sports["total"]!.GetValue<long>());
        // The selected facet still shows the other categories' counts (multi-select faceting).
        Assert.Equal(result["facets"]!["category"]!.ToJsonString(), sports["facets"]!["category"]!.ToJsonString());
    }

    [Fact]
    public async Task Paging_HasStableTotals_AndEmptyBeyondTheEnd()
    {
        var page1 = await SearchAsync("category=Arts&pageSize=5&page=1");
        var page2 = await SearchAsync("category=Arts&pageSize=5&page=2");
        Assert.Equal(page1["total"]!.ToJsonString(), page2["total"]!.ToJsonString());
        Assert.Empty(Items(page1).Select(i => i!["id"]!.GetValue<Guid>()).Intersect(Items(page2).Select(i => i!["id"]!.GetValue<Guid>())));
        var beyond = await SearchAsync("category=Arts&pageSize=100&page=50");
        Assert.Empty(Items(beyond));
        Assert.Equal(page1["total"]!.ToJsonString(), beyond["total"]!.ToJsonString());
    }

    /// <summary>A date is a whole Beijing day: from=D&amp;to=D is that day; an instant without an offset is Beijing time.</summary>
    [Fact]
    public async Task DateOnlyTo_IncludesThatDay_AndInstantsWithoutOffset_AreBeijingTime()
    {
        var all = Items(await SearchAsync("pageSize=100&sort=soonest"));
        var next = all[0]!["nextSession"]!["startsAt"]!.GetValue<DateTimeOffset>().ToOffset(TimeSpan.FromHours(8));
        var day = next.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var oneDay = await SearchAsync($"pageSize=100&from={day}&to={day}");
        Assert.Contains(Items(oneDay), i => i!["id"]!.GetValue<Guid>() == all[0]!["id"]!.GetValue<Guid>());

        // A one-minute window on the soonest session's start, written without an offset, finds it (read as UTC it would
        // lie 8 h later and miss it).
        string Local(DateTimeOffset at) => at.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        bool Holds(JsonNode result) => Items(result).Any(i => i!["id"]!.GetValue<Guid>() == all[0]!["id"]!.GetValue<Guid>());
        Assert.True(Holds(await SearchAsync($"pageSize=100&from={Local(next)}&to={Local(next.AddMinutes(1))}")));
        Assert.True(Holds(await SearchAsync($"pageSize=100&from={Uri.EscapeDataString(Local(next) + "+08:00")}&to={Uri.EscapeDataString(Local(next.AddMinutes(1)) + "+08:00")}")));
        Assert.False(Holds(await SearchAsync($"pageSize=100&from={Local(next)}Z&to={Local(next.AddMinutes(1))}Z")));
    }

    /// <summary>nextSession is the first session in the searched range: a session before <c>from</c> is not the one a school asked about.</summary>
    [Fact]
    public async Task NextSessionAfterFrom_IsTheFirstSessionInTheRange_NotTheFirstFromNow()
    {
        var (provider, offeringId, early) = await BookingTests.FreshSessionAsync(factory, 20, hoursAhead: 72);
        var later = Demo.SchoolDay(DateTimeOffset.UtcNow.AddDays(10));
        var created = await (await provider.PostJsonAsync($"/api/offerings/{offeringId}/sessions", new { startsAt = later, endsAt = later.AddHours(1.5), capacity = 20 })).AssertStatusAsync(201);
        var laterId = created.AsArray()[0]!["id"]!.GetValue<Guid>();
        var from = ChinaTime.DateOf(DateTimeOffset.UtcNow.AddDays(6)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        async Task<JsonNode?> Hit(string query) => Items(await SearchAsync("pageSize=100&sort=soonest&q=" + Uri.EscapeDataString("校园足球训练营") + query))
            .FirstOrDefault(i => i!["id"]!.GetValue<Guid>() == offeringId);

        var fromNow = await BookingTests.WaitForAsync(async () => await Hit("") is { } h && h["upcoming"]!.AsArray().Count == 2 ? h : null, TimeSpan.FromSeconds(10));
        var inRange = await Hit("&from=" + from);

        Assert.Equal(early, fromNow["nextSession"]!["id"]!.GetValue<Guid>());
        Assert.Equal(laterId, inRange!["nextSession"]!["id"]!.GetValue<Guid>());
        Assert.Equal([laterId], inRange["upcoming"]!.AsArray().Select(u => u!["id"]!.GetValue<Guid>()));
    }

    [Theory]
    [InlineData("radiusKm=5", "radiusKm")]
    [InlineData("pageSize=10000", "pageSize")]
    [InlineData("sort=popularity", "sort")]
    [InlineData("sort=distance", "sort")]
    [InlineData("grade=12", "grade")]
    [InlineData("category=Math", "category")]
    [InlineData("lat=39.9", "lon")]
    [InlineData("from=2026-13-01", "from")]
    [InlineData("from=0001-01-01", "from")]
    [InlineData("to=0001-01-01T00:00:00", "to")]
    [InlineData("from=2026-09-02&to=2026-09-01", "to")]
    [InlineData("district=999999", "district")]
    [InlineData("available=maybe", "available")]
    [InlineData("colour=red", "colour")]
    public async Task BadParameter_Is400NamingIt(string query, string field)
    {
        var response = await factory.CreateClient().GetAsync("/api/search/offerings?" + query);
        await response.AssertProblemAsync(400, field);
    }

    [Fact]
    public async Task UnpublishedOfferings_AreInvisible()
    {
        var provider = await factory.ClientForAsync("provider6");
        var draft = await (await provider.PostJsonAsync("/api/offerings", Demo.OfferingBody("独一无二的草稿课程甲乙丙"))).ReadJsonAsync();
        await Task.Delay(500);
        Assert.Equal(0, (await SearchAsync("q=独一无二的草稿课程甲乙丙"))["total"]!.GetValue<long>());
        Assert.NotEqual(Guid.Empty, draft["id"]!.GetValue<Guid>());
    }
}
