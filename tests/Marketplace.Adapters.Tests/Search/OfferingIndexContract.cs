using Marketplace.Core.Catalog;
using Marketplace.Core.Search;
using static Marketplace.Adapters.Tests.Search.SearchSamples;

namespace Marketplace.Adapters.Tests.Search;

/// <summary>
/// The offering index port's semantics (see <see cref="OfferingQuery"/>), run against every adapter: Lucene
/// always, Elasticsearch when MARKETPLACE_TEST_ELASTICSEARCH_URL is set (otherwise reported skipped with the reason).
/// </summary>
public abstract class OfferingIndexContract
{
    /// <summary>A fresh, empty, initialised index; disposing it removes its data.</summary>
    protected abstract Task<IIndexUnderTest> CreateAsync();

    private static OfferingQuery Query(SearchSort sort = SearchSort.Relevance) => new(Sort: sort, Now: Now, PageSize: 50);

    [SkippableFact]
    public async Task Filters_ByCategory()
    {
        await using var sut = await SeededAsync();

        var result = await sut.Index.SearchAsync(Query() with { Category = Category.Sports });

        AssertIds(result, Football, Basketball);
    }

    [SkippableFact]
    public async Task Filters_ByMode_OnOrOffCampusAlsoMatchesBoth_BothMatchesOnlyBoth()
    {
        await using var sut = await SeededAsync();

        AssertIds(await sut.Index.SearchAsync(Query() with { Mode = DeliveryMode.OnCampus }), Coding, PaperCut, Football, Calligraphy);
        AssertIds(await sut.Index.SearchAsync(Query() with { Mode = DeliveryMode.OffCampus }), Robot, Basketball, Reading, Football, Calligraphy);
        AssertIds(await sut.Index.SearchAsync(Query() with { Mode = DeliveryMode.Both }), Football, Calligraphy);
    }

    [SkippableFact]
    public async Task Filters_ByGradeAndDistrict()
    {
        await using var sut = await SeededAsync();

        AssertIds(await sut.Index.SearchAsync(Query() with { Grade = 5 }), Robot, Coding, Football, Basketball, Reading);
        AssertIds(await sut.Index.SearchAsync(Query() with { District = "310104" }), Robot, Coding, PaperCut);
        AssertIds(await sut.Index.SearchAsync(Query() with { District = "310104", Grade = 2 }), PaperCut);
    }

    [SkippableFact]
    public async Task Filters_ByRadius_KeepsReachableVenuesWithinIt_AndReportsDistance()
    {
        await using var sut = await SeededAsync();

        var result = await sut.Index.SearchAsync(Query(SearchSort.Distance) with { Near = Here, RadiusKm = 10 });

        Assert.Equal([Robot.Id, Calligraphy.Id, Football.Id], result.Items.Select(i => i.Id));
        Assert.Equal(1.0, result.Items[0].DistanceKm!.Value, precision: 2);
        Assert.Equal(8.0, result.Items[2].DistanceKm!.Value, precision: 2);
    }

    [SkippableFact]
    public async Task Filters_ByDateRange_FromInclusiveToExclusive()
    {
        await using var sut = await SeededAsync();

        AssertIds(await sut.Index.SearchAsync(Query() with { From = Now.AddDays(1.5), To = Now.AddDays(4) }), Robot, Calligraphy);
        AssertIds(await sut.Index.SearchAsync(Query() with { From = Now.AddDays(2), To = Now.AddDays(3) }), Robot);
    }

    [SkippableFact]
    public async Task Filters_ByMaxPrice_AndAvailability()
    {
        await using var sut = await SeededAsync();

        AssertIds(await sut.Index.SearchAsync(Query() with { MaxPriceFen = 1000 }), Coding, Football, Reading);
        // Coding's only session is full and PaperCut's is in the past.
        AssertIds(await sut.Index.SearchAsync(Query() with { AvailableOnly = true }), Robot, Football, Basketball, Calligraphy, Reading);
    }

    [SkippableFact]
    public async Task Availability_WithADateRange_NeedsFreeSeatsInThatRange()
    {
        await using var sut = await CreateAsync();
        // Full in the first days, open a week later.
        var fullFirst = Robot with
        {
            Id = Guid.CreateVersion7(),
            Sessions = [new SessionSlot(Guid.CreateVersion7(), Now.AddDays(2), Now.AddDays(2).AddHours(1), 0), new SessionSlot(Guid.CreateVersion7(), Now.AddDays(9), Now.AddDays(9).AddHours(1), 5)],
        };
        await sut.Index.UpsertAsync(fullFirst);

        AssertIds(await sut.Index.SearchAsync(Query() with { From = Now.AddDays(1), To = Now.AddDays(3) }), fullFirst);
        AssertIds(await sut.Index.SearchAsync(Query() with { From = Now.AddDays(1), To = Now.AddDays(3), AvailableOnly = true }));
        AssertIds(await sut.Index.SearchAsync(Query() with { From = Now.AddDays(8), To = Now.AddDays(10), AvailableOnly = true }), fullFirst);
        AssertIds(await sut.Index.SearchAsync(Query() with { AvailableOnly = true }), fullFirst);
        // A range reaching into the past counts only sessions still to come.
        AssertIds(await sut.Index.SearchAsync(Query() with { From = Now.AddDays(-30), To = Now.AddDays(3), AvailableOnly = true }));
    }

    /// <summary>Beijing wall-clock time <paramref name="days"/> days after Monday 2026-03-02 (the samples' Now is 16:00 that day).</summary>
    private static DateTimeOffset Beijing(int days, int hour, int minute) => new DateTimeOffset(2026, 3, 2, hour, minute, 0, TimeSpan.FromHours(8)).AddDays(days);

    private static SessionSlot Slot(DateTimeOffset start, int minutes, int freeSeats) => new(Guid.CreateVersion7(), start, start.AddMinutes(minutes), freeSeats);

    /// <summary>周二 15:40–17:10, the school plan's window: a session fits when it starts that weekday, not before the start, and ends by the end.</summary>
    private static readonly SessionWindow Tuesday = new(DayOfWeek.Tuesday, 15 * 60 + 40, 17 * 60 + 10);

    [SkippableFact]
    public async Task Windows_KeepOfferingsWithASessionInAWindow()
    {
        await using var sut = await CreateAsync();
        var tuesday = Robot with { Id = Guid.CreateVersion7(), Sessions = [Slot(Beijing(8, 15, 40), 90, 5)] };
        var tooLate = Robot with { Id = Guid.CreateVersion7(), Sessions = [Slot(Beijing(8, 16, 0), 90, 5)] };   // ends 17:30
        var saturday = Robot with { Id = Guid.CreateVersion7(), Sessions = [Slot(Beijing(5, 15, 40), 90, 5)] };
        var none = Robot with { Id = Guid.CreateVersion7(), Sessions = [] };
        foreach (var offering in new[] { tuesday, tooLate, saturday, none }) await sut.Index.UpsertAsync(offering);

        AssertIds(await sut.Index.SearchAsync(Query() with { Windows = [Tuesday] }), tuesday);
        AssertIds(await sut.Index.SearchAsync(Query() with { Windows = [Tuesday, new SessionWindow(DayOfWeek.Saturday, 0, SessionWindow.OpenEnd)] }), tuesday, saturday);
        AssertIds(await sut.Index.SearchAsync(Query() with { Windows = [new SessionWindow(null, 16 * 60, SessionWindow.OpenEnd)] }), tooLate);
        AssertIds(await sut.Index.SearchAsync(Query() with { Windows = [] })); // a plan narrowed to nothing: nothing fits
        var hit = (await sut.Index.SearchAsync(Query() with { Windows = [Tuesday] })).Items.Single();
        Assert.Equal(tuesday.Sessions[0].Id, hit.NextSession!.Id);
        Assert.Equal([true], hit.Upcoming.Select(u => u.Fits));
    }

    /// <summary>The window, the date range and the free seats are one session's: a full Tuesday and an open Saturday do not add up to an open Tuesday.</summary>
    [SkippableFact]
    public async Task Windows_AndAvailability_HoldForTheSameSession()
    {
        await using var sut = await CreateAsync();
        var fullTuesday = Robot with { Id = Guid.CreateVersion7(), Sessions = [Slot(Beijing(1, 15, 40), 90, 0), Slot(Beijing(5, 15, 40), 90, 8)] };
        await sut.Index.UpsertAsync(fullTuesday);

        AssertIds(await sut.Index.SearchAsync(Query() with { Windows = [Tuesday] }), fullTuesday);
        AssertIds(await sut.Index.SearchAsync(Query() with { Windows = [Tuesday], AvailableOnly = true }));
        AssertIds(await sut.Index.SearchAsync(Query() with { Windows = [new SessionWindow(DayOfWeek.Saturday, 0, SessionWindow.OpenEnd)], AvailableOnly = true }), fullTuesday);
        // A range after that Tuesday holds no Tuesday session at all.
        AssertIds(await sut.Index.SearchAsync(Query() with { Windows = [Tuesday], From = Now.AddDays(3), AvailableOnly = true }));
        var hit = (await sut.Index.SearchAsync(Query() with { Windows = [Tuesday] })).Items.Single();
        Assert.Equal([true, false], hit.Upcoming.Select(u => u.Fits));
    }

    /// <summary>nextSession and the soonest sort start at max(now, from), not at now: a session before <c>from</c> is not the one a school looks for.</summary>
    [SkippableFact]
    public async Task NextSession_HonoursFrom_AndSoonestSortsByTheSessionInRange()
    {
        await using var sut = await CreateAsync();
        var early = Robot with { Id = Guid.CreateVersion7(), Sessions = [Slot(Now.AddDays(2), 60, 5), Slot(Now.AddDays(9), 60, 5)] };
        var middle = Robot with { Id = Guid.CreateVersion7(), Sessions = [Slot(Now.AddDays(6), 60, 5)] };
        await sut.Index.UpsertAsync(early);
        await sut.Index.UpsertAsync(middle);

        var all = await sut.Index.SearchAsync(Query(SearchSort.Soonest));
        var fromDay5 = await sut.Index.SearchAsync(Query(SearchSort.Soonest) with { From = Now.AddDays(5) });

        Assert.Equal(Ids(early, middle), all.Items.Select(i => i.Id));
        Assert.Equal(Ids(middle, early), fromDay5.Items.Select(i => i.Id));
        Assert.Equal(Now.AddDays(9), fromDay5.Items[1].NextSession!.StartsAt);
        Assert.Equal([Now.AddDays(9)], fromDay5.Items[1].Upcoming.Select(u => u.StartsAt));
        Assert.All(fromDay5.Items[1].Upcoming, u => Assert.Null(u.Fits)); // no windows asked
        var toDay5 = await sut.Index.SearchAsync(Query(SearchSort.Soonest) with { To = Now.AddDays(5) });
        Assert.Equal(Ids(early), toDay5.Items.Select(i => i.Id));
        Assert.Equal(Now.AddDays(2), toDay5.Items[0].NextSession!.StartsAt);
    }

    /// <summary>请进来: the provider travels to the school, so a school's radius takes in on-campus offerings serving its district, at distance 0.</summary>
    [SkippableFact]
    public async Task Radius_IncludesOnCampusServingDistrict_AtDistanceZero()
    {
        await using var sut = await SeededAsync();
        await sut.Index.UpsertAsync(Coding with { CampusDistricts = ["310104", "310105"], Version = 2 }); // on campus, no venue
        await sut.Index.UpsertAsync(Football with { CampusDistricts = ["310105"], Version = 2 });         // both modes, venue 8 km
        await sut.Index.UpsertAsync(Reading with { CampusDistricts = [], Version = 2 });                  // off campus, 12 km

        var plain = await sut.Index.SearchAsync(Query(SearchSort.Distance) with { Near = Here, RadiusKm = 5 });
        var school = await sut.Index.SearchAsync(Query(SearchSort.Distance) with { Near = Here, RadiusKm = 5, ComesTo = "310105" });
        var elsewhere = await sut.Index.SearchAsync(Query(SearchSort.Distance) with { Near = Here, RadiusKm = 5, ComesTo = "310106" });

        AssertIds(plain, Robot, Calligraphy);
        Assert.Equal(Ids(Coding, Football).Order(), school.Items.Take(2).Select(i => i.Id).Order());
        Assert.Equal(Ids(Robot, Calligraphy), school.Items.Skip(2).Select(i => i.Id));
        Assert.Equal(4, school.Total);
        Assert.All(school.Items.Take(2), i => { Assert.Equal(0, i.DistanceKm); Assert.True(i.ComesToYou); });
        Assert.All(school.Items.Skip(2), i => Assert.False(i.ComesToYou));
        AssertIds(elsewhere, Robot, Calligraphy);
    }

    /// <summary>A school's search: only what its district's schools may see — a filter under hits, totals and every facet.</summary>
    [SkippableFact]
    public async Task Filters_ByVisibleIn_ForHitsTotalsAndFacets()
    {
        await using var sut = await SeededAsync();
        await sut.Index.UpsertAsync(Robot with { VisibleIn = ["310104", "310105"], Version = 2 });
        await sut.Index.UpsertAsync(Coding with { VisibleIn = ["310104"], Version = 2 });

        AssertIds(await sut.Index.SearchAsync(Query() with { VisibleIn = "310104" }), Robot, Coding);
        var one = await sut.Index.SearchAsync(Query() with { VisibleIn = "310105", Category = Category.Science });
        AssertIds(one, Robot);
        Assert.Equal(Counts((nameof(Category.Science), 1)), NonZero(one.Facets.Category));
        Assert.Equal(Counts(("310104", 1)), NonZero(one.Facets.District));
        AssertIds(await sut.Index.SearchAsync(Query() with { VisibleIn = "310104", Text = "机器人" }), Robot);
        AssertIds(await sut.Index.SearchAsync(Query() with { VisibleIn = "310199" }));
        Assert.Equal(7, (await sut.Index.SearchAsync(Query())).Total); // no VisibleIn: everything public
    }

    /// <summary>Many at once: each newer document replaces its offering, an older one is ignored, and all are searchable at once.</summary>
    [SkippableFact]
    public async Task UpsertMany_AppliesNewerVersions_IgnoresOlderOnes()
    {
        await using var sut = await SeededAsync();
        await sut.Index.UpsertAsync(Coding with { VisibleIn = ["310104"], Version = 5 });

        await sut.Index.UpsertManyAsync([Robot with { VisibleIn = ["310105"], Version = 6 }, Coding with { VisibleIn = ["310105"], Version = 4 }]);

        AssertIds(await sut.Index.SearchAsync(Query() with { VisibleIn = "310105" }), Robot);
        AssertIds(await sut.Index.SearchAsync(Query() with { VisibleIn = "310104" }), Coding);
    }

    [SkippableFact]
    public async Task Sorts_ByPrice_Distance_AndSoonest()
    {
        await using var sut = await SeededAsync();

        var byPrice = await sut.Index.SearchAsync(Query(SearchSort.Price));
        var byDistance = await sut.Index.SearchAsync(Query(SearchSort.Distance) with { Near = Here });
        var bySoonest = await sut.Index.SearchAsync(Query(SearchSort.Soonest));

        Assert.Equal(Ids(Coding, Reading, Football, Calligraphy, PaperCut, Robot, Basketball), byPrice.Items.Select(i => i.Id));
        Assert.Equal(Ids(Robot, Calligraphy, Football, Reading, Basketball), byDistance.Items.Take(5).Select(i => i.Id));
        Assert.Equal(Ids(Coding, PaperCut).Order(), byDistance.Items.Skip(5).Select(i => i.Id).Order()); // no venue: last
        Assert.Equal(Ids(Football, Robot, Calligraphy, Coding, Reading, Basketball, PaperCut), bySoonest.Items.Select(i => i.Id));
        Assert.Equal(Now.AddDays(1), bySoonest.Items[0].NextSession!.StartsAt);
        Assert.Null(bySoonest.Items[^1].NextSession);
    }

    [SkippableFact]
    public async Task Paging_BeyondTheEnd_ReturnsNoItemsButTheTotal()
    {
        await using var sut = await SeededAsync();
        var page = Query(SearchSort.Price) with { PageSize = 3 };

        var third = await sut.Index.SearchAsync(page with { Page = 3 });
        var fourth = await sut.Index.SearchAsync(page with { Page = 4 });

        Assert.Equal([Basketball.Id], third.Items.Select(i => i.Id));
        Assert.Empty(fourth.Items);
        Assert.Equal(7, fourth.Total);
        Assert.Equal(7, fourth.Facets.Category.Values.Sum());
    }

    /// <summary>Hits are served to depth 10,000 (Elasticsearch's index.max_result_window): the page that straddles it
    /// returns the part that fits, later pages only the total and facets.</summary>
    [SkippableFact]
    public async Task Paging_APageStraddlingTheResultWindow_ReturnsThePartThatFits()
    {
        await using var sut = await CreateAsync();
        var many = Enumerable.Range(0, 10_005).Select(i => Football with { Id = Guid.CreateVersion7(), PriceFen = i }).ToList();
        await sut.Index.RebuildAsync(Stream([.. many]));
        var page = Query(SearchSort.Price) with { PageSize = 30 };

        var straddling = await sut.Index.SearchAsync(page with { Page = 334 }); // hits 9,990 to 10,019
        var past = await sut.Index.SearchAsync(page with { Page = 335 });

        Assert.Equal(10_005, straddling.Total);
        Assert.Equal(many.Skip(9_990).Take(10).Select(d => d.Id), straddling.Items.Select(i => i.Id));
        Assert.Empty(past.Items);
        Assert.Equal(10_005, past.Total);
        Assert.Equal(10_005, past.Facets.Category[nameof(Category.Sports)]);
    }

    [SkippableFact]
    public async Task Facets_WithoutFilters_AddUpToTheTotal()
    {
        await using var sut = await SeededAsync();

        var result = await sut.Index.SearchAsync(Query());

        Assert.Equal(7, result.Total);
        Assert.Equal(result.Total, result.Facets.Category.Values.Sum());
        Assert.Equal(result.Total, result.Facets.Mode.Values.Sum());
        Assert.Equal(result.Total, result.Facets.Price.Values.Sum());
        Assert.Equal(2, result.Facets.Category[nameof(Category.Science)]);
        Assert.Equal(1, result.Facets.Price[PriceBands.Free]);
        Assert.Equal(2, result.Facets.Price[PriceBands.UpTo10]);
        Assert.Equal(3, result.Facets.Price[PriceBands.UpTo50]);
        Assert.Equal(1, result.Facets.Price[PriceBands.Above50]);
        Assert.Equal(3, result.Facets.District["310105"]);
    }

    [SkippableFact]
    public async Task Facets_IgnoreOnlyTheirOwnDimension()
    {
        await using var sut = await SeededAsync();

        var result = await sut.Index.SearchAsync(Query() with { Category = Category.Sports, MaxPriceFen = 1000 });

        AssertIds(result, Football);
        // Category counts under the price filter only: Coding, Football, Reading.
        Assert.Equal(Counts((nameof(Category.Science), 1), (nameof(Category.Sports), 1), (nameof(Category.Reading), 1)), NonZero(result.Facets.Category));
        // Price counts under the category filter only: Football (800) and Basketball (6000).
        Assert.Equal(Counts((PriceBands.UpTo10, 1), (PriceBands.Above50, 1)), NonZero(result.Facets.Price));
        // Mode and district count under both filters.
        Assert.Equal(Counts((nameof(DeliveryMode.Both), 1)), NonZero(result.Facets.Mode));
        Assert.Equal(Counts(("310105", 1)), NonZero(result.Facets.District));
    }

    [SkippableFact]
    public async Task Facets_ModeFacet_CountsEveryModeWhileModeIsSelected()
    {
        await using var sut = await SeededAsync();

        var result = await sut.Index.SearchAsync(Query() with { Mode = DeliveryMode.OnCampus });

        Assert.Equal(4, result.Total);
        Assert.Equal(Counts((nameof(DeliveryMode.OnCampus), 2), (nameof(DeliveryMode.OffCampus), 3), (nameof(DeliveryMode.Both), 2)), NonZero(result.Facets.Mode));
        Assert.Equal(result.Total, result.Facets.Category.Values.Sum());
    }

    [SkippableFact]
    public async Task Text_RobotCoding_FindsTheRobotCodingCourse()
    {
        await using var sut = await SeededAsync();

        var result = await sut.Index.SearchAsync(Query() with { Text = "机器人编程" });

        AssertIds(result, Robot);
    }

    [SkippableFact]
    public async Task Text_Football_DoesNotMatchBasketball()
    {
        await using var sut = await SeededAsync();

        var result = await sut.Index.SearchAsync(Query() with { Text = "足球" });

        AssertIds(result, Football);
    }

    [SkippableFact]
    public async Task Text_Synonyms_CodingFindsProgramDesign_AndFeiyiFindsIntangibleHeritage()
    {
        await using var sut = await SeededAsync();

        AssertIds(await sut.Index.SearchAsync(Query() with { Text = "编程" }), Robot, Coding);
        AssertIds(await sut.Index.SearchAsync(Query() with { Text = "非遗" }), PaperCut);
        AssertIds(await sut.Index.SearchAsync(Query() with { Text = "程序设计" }), Robot, Coding);
    }

    /// <summary>
    /// SmartCn alone segments 非遗传承人 as 非 + 遗传 + 承 + 人 and 研学社 as 研 + 学社: 非遗 and 研学 missed them, and matched any
    /// text holding both characters anywhere. The domain words (<see cref="SearchWords"/>) fix both, in either adapter: Lucene
    /// keeps them as one token, Elasticsearch (whose smartcn has no user dictionary) matches them as bigram phrases.
    /// </summary>
    [SkippableFact]
    public async Task DomainWords_FindTheirCompounds_AndNotTextsThatMerelyHoldTheirCharacters()
    {
        await using var sut = await CreateAsync();
        var heritage = Robot with { Id = Guid.CreateVersion7(), Title = "竹编手作课", Summary = "非遗传承人带领学生体验竹编", Description = "" };
        var scattered = Robot with { Id = Guid.CreateVersion7(), Title = "古城遗址考察", Summary = "非常适合高年级", Description = "" };
        var studyTrip = Robot with { Id = Guid.CreateVersion7(), Title = "小小讲解员研学社", Summary = "博物馆讲解", Description = "" };
        foreach (var offering in new[] { heritage, scattered, studyTrip, PaperCut }) await sut.Index.UpsertAsync(offering);

        Assert.Equal(new[] { heritage.Id, PaperCut.Id }.Order(), await TextIdsAsync(sut.Index, "非遗")); // PaperCut: 非物质文化遗产, a synonym
        Assert.Equal([studyTrip.Id], await TextIdsAsync(sut.Index, "研学"));
        Assert.Equal([heritage.Id], await TextIdsAsync(sut.Index, "非遗 竹编"));
        var hit = (await sut.Index.SearchAsync(new OfferingQuery(Text: "非遗", Now: Now))).Items.Single(i => i.Id == heritage.Id);
        Assert.Contains(hit.Highlights.SelectMany(h => h.Value), fragment => fragment.StartsWith("<em>非遗</em>传承人", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Text_AllTermsMustMatch_AcrossFields()
    {
        await using var sut = await SeededAsync();

        // 足球 is in the title, 绿茵 only in the provider name: both present, in different fields.
        AssertIds(await sut.Index.SearchAsync(Query() with { Text = "足球 绿茵" }), Football);
        Assert.Equal(0, (await sut.Index.SearchAsync(Query() with { Text = "足球 书法" })).Total);
    }

    [SkippableFact]
    public async Task Text_HighlightsMatchedTermsWithEm()
    {
        await using var sut = await SeededAsync();

        var hit = Assert.Single((await sut.Index.SearchAsync(Query() with { Text = "足球" })).Items);

        Assert.Contains("<em>足球</em>", Assert.Single(hit.Highlights["title"]), StringComparison.Ordinal);
        Assert.True(hit.Score > 0);
    }

    [SkippableFact]
    public async Task Text_CombinesWithFiltersAndFacets()
    {
        await using var sut = await SeededAsync();

        var result = await sut.Index.SearchAsync(Query() with { Text = "编程", Mode = DeliveryMode.OffCampus });

        AssertIds(result, Robot);
        Assert.Equal(Counts((nameof(DeliveryMode.OffCampus), 1), (nameof(DeliveryMode.OnCampus), 1)), NonZero(result.Facets.Mode));
    }

    [SkippableFact]
    public async Task Upsert_IgnoresAStaleVersion_AndIsSearchableAtOnce()
    {
        await using var sut = await SeededAsync();

        await sut.Index.UpsertAsync(Robot with { Title = "机器人编程高阶班", Version = 5 });
        await sut.Index.UpsertAsync(Robot with { Title = "过期标题", Version = 3 });

        var hit = (await sut.Index.SearchAsync(Query() with { Category = Category.Science })).Items.Single(i => i.Id == Robot.Id);
        Assert.Equal("机器人编程高阶班", hit.Title);
        Assert.Equal(0, (await sut.Index.SearchAsync(Query() with { Text = "过期" })).Total);
        Assert.Equal(7, (await sut.Index.SearchAsync(Query())).Total);
    }

    [SkippableFact]
    public async Task Remove_TakesTheOfferingOut_AndAMissingIdIsFine()
    {
        await using var sut = await SeededAsync();

        await sut.Index.RemoveAsync(Robot.Id, Robot.Version + 1);
        await sut.Index.RemoveAsync(Guid.CreateVersion7(), 1);

        AssertIds(await sut.Index.SearchAsync(Query() with { Category = Category.Science }), Coding);
        var all = await sut.Index.SearchAsync(Query());
        Assert.Equal(6, all.Total);
        Assert.Equal(6, all.Facets.Category.Values.Sum());
        Assert.Equal(6, all.Facets.Price.Values.Sum());
        Assert.Equal(0, (await sut.Index.SearchAsync(Query() with { Text = "机器人" })).Total);
    }

    [SkippableFact]
    public async Task Remove_ThenANewerUpsert_BringsTheOfferingBack()
    {
        await using var sut = await SeededAsync();

        await sut.Index.RemoveAsync(Robot.Id, 5);
        await sut.Index.UpsertAsync(Robot with { Title = "机器人编程回归班", Version = 6 });

        var hit = Assert.Single((await sut.Index.SearchAsync(Query() with { Text = "机器人" })).Items);
        Assert.Equal("机器人编程回归班", hit.Title);
        Assert.Equal(7, (await sut.Index.SearchAsync(Query())).Total);
    }

    [SkippableFact]
    public async Task Rebuild_SwapsInTheNewContents_AndKeepsTakingWrites()
    {
        await using var sut = await SeededAsync();
        var drone = Drone();

        var count = await sut.Index.RebuildAsync(Stream(Football, Reading, drone));

        Assert.Equal(3, count);
        AssertIds(await sut.Index.SearchAsync(Query()), Football, Reading, drone);
        AssertIds(await sut.Index.SearchAsync(Query() with { Text = "航拍飞行器" }), drone);
        await sut.Index.UpsertAsync(Robot);
        Assert.Equal(4, (await sut.Index.SearchAsync(Query())).Total);
        Assert.True(await sut.Index.IsHealthyAsync());
    }

    /// <summary>Issue 17: the index records the store epoch of its rebuild and the highest cursor written, and lists what it serves.</summary>
    [SkippableFact]
    public async Task Watermark_IsTheRebuildsEpoch_AndTheHighestCursor_AndListShowsWhatIsServed()
    {
        await using var sut = await CreateAsync();
        await sut.Index.RebuildAsync(Stream(Football with { Version = 5 }, Reading with { Version = 5 }), "epoch-a");
        await sut.Index.UpsertAsync(Robot with { Version = 8 });
        await sut.Index.RemoveAsync(Reading.Id, 9);

        Assert.Equal(new IndexWatermark("epoch-a", 9), await sut.Index.GetWatermarkAsync());
        var listed = await sut.Index.ListAsync().ToListAsync();
        Assert.Equal(new[] { Football.Id, Robot.Id }.Order(), listed.Select(o => o.Id).Order());
        Assert.Equal(8, listed.Single(o => o.Id == Robot.Id).Version);
        Assert.Equal(Robot.Sessions.Select(s => (s.Id, s.FreeSeats)), listed.Single(o => o.Id == Robot.Id).Sessions.Select(s => (s.Id, s.FreeSeats)));
    }

    private async Task<IIndexUnderTest> SeededAsync()
    {
        var sut = await CreateAsync();
        foreach (var offering in All)
            await sut.Index.UpsertAsync(offering);
        return sut;
    }

    private static async IAsyncEnumerable<OfferingDocument> Stream(params OfferingDocument[] documents)
    {
        foreach (var document in documents)
        {
            await Task.Yield();
            yield return document;
        }
    }

    private static async Task<Guid[]> TextIdsAsync(IOfferingIndex index, string text) =>
        [.. (await index.SearchAsync(new OfferingQuery(Text: text, Now: Now, PageSize: 50))).Items.Select(i => i.Id).Order()];

    private static Guid[] Ids(params OfferingDocument[] documents) => [.. documents.Select(d => d.Id)];

    private static void AssertIds(SearchResult result, params OfferingDocument[] expected)
    {
        Assert.Equal(expected.Length, result.Total);
        Assert.Equal(Ids(expected).Order(), result.Items.Select(i => i.Id).Order());
    }

    private static SortedDictionary<string, long> Counts(params (string Key, long Count)[] counts) =>
        new(counts.ToDictionary(c => c.Key, c => c.Count), StringComparer.Ordinal);

    private static SortedDictionary<string, long> NonZero(IReadOnlyDictionary<string, long> facet) =>
        new(facet.Where(f => f.Value > 0).ToDictionary(f => f.Key, f => f.Value), StringComparer.Ordinal);
}
