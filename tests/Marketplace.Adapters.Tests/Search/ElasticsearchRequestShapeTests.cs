using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Marketplace.Core.Catalog;
using Marketplace.Core.Search;
using static Marketplace.Adapters.Tests.Search.SearchSamples;

namespace Marketplace.Adapters.Tests.Search;

/// <summary>What the Elasticsearch adapter sends, captured by an in-memory transport (no cluster needed).</summary>
public sealed class ElasticsearchRequestShapeTests
{
    [Fact]
    public async Task Initialize_PutsTheTemplate_ThenCreatesAVersionedIndexBehindTheAlias()
    {
        var es = new FakeElasticsearch();

        Assert.True(await es.Index.InitializeAsync()); // a new, empty index: the host rebuilds it from the store

        var template = Body(es.Requests.Single(r => r.Path == "/_index_template/offerings"));
        Assert.Equal(OfferingTemplateSchema(new SearchSynonyms()), template["_meta"]!["schema"]!.GetValue<string>()); // for operators
        Assert.Null(template["template"]!["mappings"]!["_meta"]?["schema"]); // indices made from it are not stamped: a rebuild does that
        var analysis = template["template"]!["settings"]!["analysis"]!;
        var mappings = template["template"]!["mappings"]!["properties"]!;
        Assert.Equal("offerings-v*", template["index_patterns"]![0]!.GetValue<string>());
        Assert.Equal(0, template["template"]!["settings"]!["number_of_replicas"]!.GetValue<int>()); // green on the single-node compose
        Assert.Equal("smartcn_tokenizer", analysis["analyzer"]!["zh_index"]!["tokenizer"]!.GetValue<string>());
        Assert.Equal("smartcn_tokenizer", analysis["analyzer"]!["zh_search"]!["tokenizer"]!.GetValue<string>());
        Assert.Contains("zh_synonyms", Strings(analysis["analyzer"]!["zh_search"]!["filter"]));
        Assert.DoesNotContain("zh_synonyms", Strings(analysis["analyzer"]!["zh_index"]!["filter"]));
        foreach (var analyzer in new[] { "zh_index", "zh_search" }) // same chain as the smartcn analyzer: stemming, punctuation stop words
            Assert.Equal(["porter_stem", "smartcn_stop", "lowercase"], Strings(analysis["analyzer"]![analyzer]!["filter"]).Take(3));
        Assert.Equal("synonym_graph", analysis["filter"]!["zh_synonyms"]!["type"]!.GetValue<string>());
        Assert.Contains("编程, 程序设计", Strings(analysis["filter"]!["zh_synonyms"]!["synonyms"]));
        Assert.Contains("非遗, 非物质文化遗产", Strings(analysis["filter"]!["zh_synonyms"]!["synonyms"]));
        Assert.Equal("geo_point", mappings["venue"]!["type"]!.GetValue<string>());
        Assert.Equal("boolean", mappings["removed"]!["type"]!.GetValue<string>()); // removal markers
        Assert.Equal("nested", mappings["sessions"]!["type"]!.GetValue<string>());
        Assert.Equal("date", mappings["sessions"]!["properties"]!["startsAt"]!["type"]!.GetValue<string>());
        Assert.Equal("zh_search", mappings["title"]!["search_analyzer"]!.GetValue<string>());

        var create = es.Requests.Last();
        Assert.Equal("PUT", create.Method);
        Assert.Equal("/offerings-v0", create.Path); // fixed first name: a second instance's create fails instead of adding a second index
        Assert.NotNull(Body(create)["aliases"]!["offerings"]);
    }

    [Fact]
    public async Task Initialize_WhenTheAliasExists_CreatesNoIndex_AndAsksForARebuildOnlyIfItsSchemaDiffers()
    {
        var current = OfferingTemplateSchema(new SearchSynonyms());
        var es = new FakeElasticsearch(r => (r.Method, r.Path) switch
        {
            ("HEAD", _) => (200, ""),
            ("GET", "/offerings/_mapping") => (200, "{\"offerings-v1\":{\"mappings\":{\"_meta\":{\"schema\":\"" + current + "\"},\"properties\":{}}}}"),
            _ => null,
        });
        Assert.False(await es.Index.InitializeAsync());
        Assert.Equal(["PUT /_index_template/offerings", "HEAD /_alias/offerings", "GET /offerings/_mapping"], es.Requests.Select(r => $"{r.Method} {r.Path}"));

        // Written under other synonyms (or before the schema stamp existed): a template only shapes new indices, so rebuild.
        var stale = new FakeElasticsearch(r => (r.Method, r.Path) switch
        {
            ("HEAD", _) => (200, ""),
            ("GET", "/offerings/_mapping") => (200, """{"offerings-v1":{"mappings":{"properties":{}}}}"""),
            _ => null,
        });
        Assert.True(await stale.Index.InitializeAsync());
        Assert.DoesNotContain(stale.Requests, r => r.Method == "PUT" && r.Path.StartsWith("/offerings-v", StringComparison.Ordinal));
        Assert.NotEqual(current, OfferingTemplateSchema(new SearchSynonyms { Groups = [["足球", "英式足球"]] }));
    }

    /// <summary>The first index is created from the template and holds nothing: if the rebuild that follows fails, the next
    /// start must still rebuild (it used to find the index stamped current and serve it empty for good).</summary>
    [Fact]
    public async Task Initialize_AfterTheFirstIndexWasCreatedButNeverFilled_AsksForARebuildAgain()
    {
        var first = new FakeElasticsearch();
        Assert.True(await first.Index.InitializeAsync());
        var mappings = Body(first.Requests.Single(r => r.Path == "/_index_template/offerings"))["template"]!["mappings"]!;

        // The next start finds offerings-v0 as Elasticsearch made it: with the template's mappings, and no rebuild since.
        var next = new FakeElasticsearch(r => (r.Method, r.Path) switch
        {
            ("HEAD", _) => (200, ""),
            ("GET", "/offerings/_mapping") => (200, new JsonObject { ["offerings-v0"] = new JsonObject { ["mappings"] = mappings.DeepClone() } }.ToJsonString()),
            _ => null,
        });
        Assert.True(await next.Index.InitializeAsync());
    }

    [Fact]
    public async Task Rebuild_StampsTheSchema_OnlyOnceTheNewIndexIsFilledAndRefreshed_BeforeTheSwap()
    {
        var es = new FakeElasticsearch();

        await es.Index.RebuildAsync(All.ToAsyncEnumerable());

        var created = CreatedIndex(es).Path;
        var steps = es.Requests.Select(r => $"{r.Method} {r.Path}").ToList();
        var stamp = steps.IndexOf($"PUT {created}/_mapping");
        Assert.True(stamp > steps.IndexOf($"POST {created}/_refresh") && stamp < steps.IndexOf("POST /_aliases"), string.Join(", ", steps));
        Assert.Equal(OfferingTemplateSchema(new SearchSynonyms()), Body(es.Requests[stamp])["_meta"]!["schema"]!.GetValue<string>());

        var failed = new FakeElasticsearch(r => r.Path.EndsWith("/_bulk", StringComparison.Ordinal) ? (400, """{"error":{"type":"x","reason":"y"},"status":400}""") : null);
        await Assert.ThrowsAsync<InvalidOperationException>(() => failed.Index.RebuildAsync(All.ToAsyncEnumerable()));
        Assert.DoesNotContain(failed.Requests, r => r.Path.EndsWith("/_mapping", StringComparison.Ordinal));
    }

    private static string OfferingTemplateSchema(SearchSynonyms synonyms, SearchWords? words = null) =>
        Marketplace.Search.Elasticsearch.OfferingTemplate.RenderWithSchema(FakeElasticsearch.Alias, synonyms, words ?? new SearchWords()).Schema;

    [Fact]
    public async Task Health_NeedsTheAliasOnExactlyOneIndex_AndAnythingUnexpectedIsUnhealthy()
    {
        Assert.True(await new FakeElasticsearch().Index.IsHealthyAsync()); // the fake's default: offerings → offerings-v1
        Assert.False(await new FakeElasticsearch(r => r.Method == "GET" && r.Path == "/_alias/offerings"
            ? (404, """{"error":"alias [offerings] missing","status":404}""")
            : null).Index.IsHealthyAsync());
        // Left on two indices (two rebuilds racing): every hit counts twice and every write through the alias is refused.
        Assert.False(await new FakeElasticsearch(r => r.Method == "GET" && r.Path == "/_alias/offerings"
            ? (200, """{"offerings-v1":{"aliases":{"offerings":{}}},"offerings-v2":{"aliases":{"offerings":{}}}}""")
            : null).Index.IsHealthyAsync());
        Assert.False(await new FakeElasticsearch(r => r.Method == "HEAD" ? (503, "") : null).Index.IsHealthyAsync());
    }

    [Fact]
    public async Task Upserts_ThroughTheAlias_RequireIt()
    {
        var es = new FakeElasticsearch();
        await es.Index.UpsertAsync(Robot);
        var index = es.Requests.Single();
        Assert.Equal($"/offerings/_doc/{Robot.Id}", index.Path);
        Assert.Contains("require_alias=true", index.PathAndQuery, StringComparison.Ordinal);
    }

    /// <summary>The projection's large batches (a district changed: every offering) go as one bulk request through the alias,
    /// versioned like a single upsert, not one request each.</summary>
    [Fact]
    public async Task UpsertMany_IsOneVersionedBulkRequest_ThroughTheAlias()
    {
        var es = new FakeElasticsearch();
        await es.Index.UpsertManyAsync([Robot with { Version = 7 }, Coding with { Version = 7 }]);
        var bulk = es.Requests.Single();
        Assert.Equal("POST /offerings/_bulk", $"{bulk.Method} {bulk.Path}");
        Assert.Contains("require_alias=true", bulk.PathAndQuery, StringComparison.Ordinal);
        var lines = bulk.Body!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(4, lines.Count);
        Assert.Equal([Robot.Id.ToString(), Coding.Id.ToString()], new[] { lines[0], lines[2] }.Select(l => l["index"]!["_id"]!.GetValue<string>()));
        Assert.All(new[] { lines[0], lines[2] }, l => Assert.Equal(("external_gte", 7L),
            (l["index"]!["version_type"]!.GetValue<string>(), l["index"]!["version"]!.GetValue<long>())));
        await es.Index.UpsertManyAsync([]);
        Assert.Single(es.Requests); // nothing to write: no request
    }

    [Fact]
    public async Task Search_PutsTextInMust_FacetFiltersInPostFilter_AndEachFacetIgnoresOnlyItsOwn()
    {
        var es = new FakeElasticsearch();

        await es.Index.SearchAsync(new OfferingQuery(
            Text: "机器人编程", Category: Category.Science, Mode: DeliveryMode.OffCampus, Grade: 5, District: "310104", Near: Here, Now: Now));

        var request = es.Requests.Single();
        Assert.Equal("/offerings/_search", request.Path);
        Assert.Contains("typed_keys=true", request.PathAndQuery, StringComparison.Ordinal);
        var body = Body(request);

        var decay = body["query"]!["function_score"]!;
        Assert.Equal(Here.Lat, decay["functions"]![0]!["gauss"]!["venue"]!["origin"]!["lat"]!.GetValue<double>());
        Assert.Equal("5km", decay["functions"]![0]!["gauss"]!["venue"]!["scale"]!.GetValue<string>());
        Assert.Equal("multiply", decay["boost_mode"]!.GetValue<string>());
        var match = One(decay["query"]!["bool"]!["must"])["multi_match"]!;
        Assert.Equal("and", match["operator"]!.GetValue<string>());
        Assert.Equal("cross_fields", match["type"]!.GetValue<string>());
        Assert.Equal("zh_search", match["analyzer"]!.GetValue<string>());
        Assert.Equal(["title^3", "summary", "description", "providerName", "tags"], Strings(match["fields"]));
        Assert.Contains("\"grades\"", decay["query"]!["bool"]!["filter"]!.ToJsonString(), StringComparison.Ordinal);

        var postFilter = body["post_filter"]!.ToJsonString();
        Assert.Contains("Science", postFilter, StringComparison.Ordinal);
        Assert.Contains("310104", postFilter, StringComparison.Ordinal);
        Assert.Contains("OffCampus", postFilter, StringComparison.Ordinal);
        Assert.DoesNotContain("grades", postFilter, StringComparison.Ordinal);

        var aggs = body["aggregations"]!;
        string FacetFilter(string name) => aggs[name]!["filter"]!.ToJsonString();
        Assert.DoesNotContain("Science", FacetFilter("category"), StringComparison.Ordinal);
        Assert.Contains("310104", FacetFilter("category"), StringComparison.Ordinal);
        Assert.Contains("Science", FacetFilter("district"), StringComparison.Ordinal);
        Assert.DoesNotContain("310104", FacetFilter("district"), StringComparison.Ordinal);
        Assert.Contains("Science", FacetFilter("mode"), StringComparison.Ordinal);
        Assert.DoesNotContain("OffCampus", FacetFilter("mode"), StringComparison.Ordinal);
        Assert.Equal("category", aggs["category"]!["aggregations"]!["values"]!["terms"]!["field"]!.GetValue<string>());
        var bands = aggs["price"]!["aggregations"]!["values"]!["range"]!["ranges"]!.AsArray().Select(b => b!["key"]!.GetValue<string>());
        Assert.Equal(PriceBands.All, bands);

        Assert.Equal("<em>", body["highlight"]!["pre_tags"]![0]!.GetValue<string>());
        Assert.NotNull(body["highlight"]!["fields"]!.AsArray().FirstOrDefault(f => f!["title"] is not null));
    }

    [Fact]
    public async Task Search_WithoutSelectedFacets_HasNoPostFilter_AndNoDecayUnlessRankingByRelevanceNearAPoint()
    {
        var es = new FakeElasticsearch();

        await es.Index.SearchAsync(new OfferingQuery(Near: Here, RadiusKm: 5, Sort: SearchSort.Distance, Now: Now));

        var body = Body(es.Requests.Single());
        Assert.Null(body["post_filter"]);
        Assert.Null(body["query"]!["function_score"]);
        Assert.NotNull(One(body["query"]!["bool"]!["must"])["match_all"]);
        var filters = body["query"]!["bool"]!["filter"]!.ToJsonString();
        Assert.Contains("\"geo_distance\"", filters, StringComparison.Ordinal);
        Assert.Contains("\"5km\"", filters, StringComparison.Ordinal);
        Assert.Equal("km", body["sort"]![0]!["_geo_distance"]!["unit"]!.GetValue<string>());
        Assert.Equal("asc", body["sort"]![0]!["_geo_distance"]!["order"]!.GetValue<string>());
    }

    [Fact]
    public async Task Search_DatesAvailabilityAndSoonest_UseNestedSessions()
    {
        var es = new FakeElasticsearch();

        await es.Index.SearchAsync(new OfferingQuery(From: Now.AddDays(1), To: Now.AddDays(8), AvailableOnly: true, Sort: SearchSort.Soonest, Now: Now));

        var body = Body(es.Requests.Single());
        // One nested clause: the session in the range is the one with free seats.
        var nested = Many(body["query"]!["bool"]!["filter"]).Select(f => f["nested"]).Where(n => n is not null).ToList();
        Assert.Equal("sessions", Assert.Single(nested)!["path"]!.GetValue<string>());
        var conditions = Many(nested[0]!["query"]!["bool"]!["filter"]);
        var startsAt = conditions.Single(c => c["range"]?["sessions.startsAt"] is not null)["range"]!["sessions.startsAt"]!;
        Assert.StartsWith("2026-03-03T08:00:00", startsAt["gte"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("2026-03-10T08:00:00", startsAt["lt"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, conditions.Single(c => c["range"]?["sessions.freeSeats"] is not null)["range"]!["sessions.freeSeats"]!["gt"]!.GetValue<int>());
        var sort = body["sort"]![0]!["sessions.startsAt"]!;
        Assert.Equal("min", sort["mode"]!.GetValue<string>());
        Assert.Equal("_last", sort["missing"]!.GetValue<string>());
        Assert.Equal("sessions", sort["nested"]!["path"]!.GetValue<string>());
        // The soonest key is the first session meeting the same conditions (it used to be any session from now, before `from`).
        Assert.Equal(nested[0]!["query"]!.ToJsonString(), sort["nested"]!["filter"]!.ToJsonString());
    }

    /// <summary>Windows are a `should` inside the one nested clause, next to the range and the free seats, so all hold for one session.</summary>
    [Fact]
    public async Task Search_Windows_AreAShouldInsideTheNestedSessionClause_WhichTheSoonestSortFiltersBy()
    {
        var es = new FakeElasticsearch();
        var tuesday = new SessionWindow(DayOfWeek.Tuesday, 940, 1030);
        var anyDayFrom4pm = new SessionWindow(null, 960, SessionWindow.OpenEnd);

        await es.Index.SearchAsync(new OfferingQuery(From: Now.AddDays(1), AvailableOnly: true, Sort: SearchSort.Soonest, Now: Now) { Windows = [tuesday, anyDayFrom4pm] });
        await es.Index.SearchAsync(new OfferingQuery(Now: Now) { Windows = [] });
        await es.Index.SearchAsync(new OfferingQuery(Sort: SearchSort.Soonest, Now: Now));

        var body = Body(es.Requests[0]);
        var nested = Assert.Single(Many(body["query"]!["bool"]!["filter"]), f => f["nested"] is not null)["nested"]!;
        var conditions = Many(nested["query"]!["bool"]!["filter"]);
        Assert.Equal(3, conditions.Count);
        Assert.StartsWith("2026-03-03T08:00:00", conditions[0]["range"]!["sessions.startsAt"]!["gte"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, conditions[1]["range"]!["sessions.freeSeats"]!["gt"]!.GetValue<int>());
        var windows = conditions[2]["bool"]!;
        Assert.Equal(1, windows["minimum_should_match"]!.GetValue<int>());
        var should = Many(windows["should"]);
        Assert.Equal(2, should.Count);
        var first = Many(should[0]["bool"]!["filter"]);
        Assert.Equal(2, first[0]["term"]!["sessions.weekday"]!["value"]!.GetValue<int>()); // ISO: Tuesday is 2
        Assert.Equal(940, first[1]["range"]!["sessions.startMinute"]!["gte"]!.GetValue<int>());
        Assert.Equal(1030, first[2]["range"]!["sessions.endMinute"]!["lte"]!.GetValue<int>());
        Assert.DoesNotContain("weekday", should[1].ToJsonString(), StringComparison.Ordinal); // any day
        Assert.Equal(nested["query"]!.ToJsonString(), body["sort"]![0]!["sessions.startsAt"]!["nested"]!["filter"]!.ToJsonString());

        // A plan narrowed to no window matches nothing; without session conditions no nested filter, and soonest counts from now.
        Assert.NotNull(One(Body(es.Requests[1])["query"]!["bool"]!["filter"])["nested"]!["query"]!["bool"]!["filter"]!.AsArray()[1]!["match_none"]);
        var plain = Body(es.Requests[2]);
        Assert.DoesNotContain("nested", plain["query"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.StartsWith("2026-03-02T08:00:00", plain["sort"]![0]!["sessions.startsAt"]!["nested"]!["filter"]!["range"]!["sessions.startsAt"]!["gte"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>Around a school: the radius is venue-within-R OR comes-to-its-district (请进来), and the distance sort a script that puts the latter at 0.</summary>
    [Fact]
    public async Task Search_RadiusAroundASchool_IsAShouldOfVenueAndComesTo_SortedByAScript()
    {
        var es = new FakeElasticsearch();

        await es.Index.SearchAsync(new OfferingQuery(Near: Here, RadiusKm: 5, Sort: SearchSort.Distance, Now: Now) { ComesTo = "110105" });
        await es.Index.SearchAsync(new OfferingQuery(Near: Here, RadiusKm: 5, Sort: SearchSort.Distance, Now: Now));

        var body = Body(es.Requests[0]);
        var radius = One(body["query"]!["bool"]!["filter"])["bool"]!;
        Assert.Equal(1, radius["minimum_should_match"]!.GetValue<int>());
        var should = Many(radius["should"]);
        Assert.Equal(2, should.Count);
        Assert.Contains("\"geo_distance\"", should[0].ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("110105", Many(should[1]["bool"]!["filter"])[0]["term"]!["campusDistricts"]!["value"]!.GetValue<string>());
        Assert.Equal(["OnCampus", "Both"], Strings(Many(should[1]["bool"]!["filter"])[1]["terms"]!["mode"]));
        var script = body["sort"]![0]!["_script"]!;
        Assert.Equal("number", script["type"]!.GetValue<string>());
        Assert.Equal("asc", script["order"]!.GetValue<string>());
        Assert.Equal("110105", script["script"]!["params"]!["d"]!.GetValue<string>());
        Assert.Equal(Here.Lat, script["script"]!["params"]!["lat"]!.GetValue<double>());
        Assert.Contains("arcDistance", script["script"]!["source"]!.GetValue<string>(), StringComparison.Ordinal);

        var plain = Body(es.Requests[1]);
        Assert.DoesNotContain("campusDistricts", plain.ToJsonString(), StringComparison.Ordinal);
        Assert.NotNull(plain["sort"]![0]!["_geo_distance"]);
    }

    [Fact]
    public async Task Upsert_WritesEachSessionsBeijingWeekSlot_AndTheCampusDistricts_WhichTheTemplateMaps()
    {
        var es = new FakeElasticsearch();
        var start = new DateTimeOffset(2026, 3, 3, 15, 40, 0, TimeSpan.FromHours(8)); // a Tuesday, Beijing
        var session = new SessionSlot(Guid.CreateVersion7(), start, start.AddMinutes(90), 4);

        await es.Index.UpsertAsync(Coding with { Sessions = [session], CampusDistricts = ["310104"] });

        var doc = Body(es.Requests.Single());
        var written = doc["sessions"]![0]!;
        Assert.Equal(2, written["weekday"]!.GetValue<int>());
        Assert.Equal(940, written["startMinute"]!.GetValue<int>());
        Assert.Equal(1030, written["endMinute"]!.GetValue<int>());
        Assert.Equal(["310104"], Strings(doc["campusDistricts"]));
        var properties = JsonNode.Parse(Marketplace.Search.Elasticsearch.OfferingTemplate.Render("offerings", new SearchSynonyms(), new SearchWords()))!["template"]!["mappings"]!["properties"]!;
        Assert.Equal("keyword", properties["campusDistricts"]!["type"]!.GetValue<string>());
        foreach (var (field, type) in new[] { ("weekday", "byte"), ("startMinute", "short"), ("endMinute", "integer") })
            Assert.Equal(type, properties["sessions"]!["properties"]![field]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Search_BeyondTheResultWindow_AsksOnlyForTotalsAndFacets()
    {
        var es = new FakeElasticsearch();

        await es.Index.SearchAsync(new OfferingQuery(Page: 600, PageSize: 20, Now: Now));

        var body = Body(es.Requests.Single());
        Assert.Equal(0, body["size"]!.GetValue<int>());
        Assert.True(body["track_total_hits"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData(500, 20, 9980, 20)]  // ends exactly at the window
    [InlineData(334, 30, 9990, 10)]  // straddles it: the part that fits, as the Lucene adapter serves it
    [InlineData(1, 10_000, 0, 10_000)]
    public async Task Search_APageReachingTheResultWindow_IsCutToWhatFits(int page, int pageSize, int from, int size)
    {
        var es = new FakeElasticsearch();

        await es.Index.SearchAsync(new OfferingQuery(Page: page, PageSize: pageSize, Now: Now));

        var body = Body(es.Requests.Single());
        Assert.Equal(from, body["from"]!.GetValue<int>());
        Assert.Equal(size, body["size"]!.GetValue<int>());
    }

    /// <summary>A school's search: what its district may see is a filter of the query (so hits, totals and every facet obey it),
    /// never a facet in the post_filter; the field is indexed as a keyword.</summary>
    [Fact]
    public async Task Search_VisibleIn_IsATermInTheQuerysFilters_NotInThePostFilter_AndIsIndexed()
    {
        var es = new FakeElasticsearch();

        await es.Index.SearchAsync(new OfferingQuery(Text: "机器人", Category: Category.Science, Now: Now, VisibleIn: "110101"));
        await es.Index.SearchAsync(new OfferingQuery(Now: Now));
        await es.Index.UpsertAsync(Robot with { VisibleIn = ["110101", "110105"] });

        var body = Body(es.Requests[0]);
        Assert.Equal("110101", One(body["query"]!["bool"]!["filter"])["term"]!["visibleIn"]!["value"]!.GetValue<string>());
        Assert.DoesNotContain("visibleIn", body["post_filter"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("visibleIn", Body(es.Requests[1]).ToJsonString(), StringComparison.Ordinal); // everyone else: no such filter
        Assert.Equal(["110101", "110105"], Strings(Body(es.Requests[2])["visibleIn"]));

        var template = JsonNode.Parse(Marketplace.Search.Elasticsearch.OfferingTemplate.Render("offerings", new SearchSynonyms(), new SearchWords()))!;
        Assert.Equal("keyword", template["template"]!["mappings"]!["properties"]!["visibleIn"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Upsert_UsesTheOfferingVersionAsAnExternalVersion_AndAConflictIsIgnored()
    {
        var es = new FakeElasticsearch(r => r.Path.Contains("/_doc/", StringComparison.Ordinal)
            ? (409, """{"error":{"type":"version_conflict_engine_exception","reason":"current version [9] is higher"},"status":409}""")
            : null);
        var offering = Robot with { Version = 7 };

        await es.Index.UpsertAsync(offering);

        var request = es.Requests.Single();
        Assert.Equal($"/offerings/_doc/{offering.Id}", request.Path);
        Assert.Contains("version=7", request.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("version_type=external_gte", request.PathAndQuery, StringComparison.Ordinal);
        var body = Body(request);
        Assert.Equal("Science", body["category"]!.GetValue<string>());
        Assert.Equal(7, body["version"]!.GetValue<long>());
        Assert.Equal(Robot.Venue!.Lat, body["venue"]!["lat"]!.GetValue<double>());
        Assert.Equal(10, body["sessions"]![0]!["freeSeats"]!.GetValue<int>());
    }

    [Fact]
    public async Task Upsert_OtherErrors_AreNotSwallowed()
    {
        var es = new FakeElasticsearch(r => r.Path.Contains("/_doc/", StringComparison.Ordinal)
            ? (400, """{"error":{"type":"strict_dynamic_mapping_exception","reason":"no"},"status":400}""")
            : null);

        await Assert.ThrowsAsync<InvalidOperationException>(() => es.Index.UpsertAsync(Robot));
    }

    /// <summary>
    /// A versioned delete's tombstone lasts index.gc_deletes (60 s): an upsert from an older batch arriving later re-created
    /// the offering for good. A removal is now a marker document at the removal's version, through the alias.
    /// </summary>
    [Fact]
    public async Task Remove_IndexesAVersionedRemovalMarker_ThroughTheAlias_NotADelete()
    {
        var es = new FakeElasticsearch();

        await es.Index.RemoveAsync(Robot.Id, 42);

        var marker = es.Requests.Single();
        Assert.Equal($"PUT /offerings/_doc/{Robot.Id}", $"{marker.Method} {marker.Path}");
        Assert.Contains("require_alias=true", marker.PathAndQuery, StringComparison.Ordinal); // a missing alias fails, creates nothing
        Assert.Contains("version=42", marker.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("version_type=external_gte", marker.PathAndQuery, StringComparison.Ordinal);
        var body = Body(marker);
        Assert.Equal(Robot.Id.ToString(), body["id"]!.GetValue<string>());
        Assert.True(body["removed"]!.GetValue<bool>());
        Assert.Equal(42, body["version"]!.GetValue<long>());
        Assert.Equal(["id", "removed", "version"], body.AsObject().Select(p => p.Key).Order());
    }

    [Fact]
    public async Task Remove_OlderThanTheIndexedVersion_IsFine_OtherErrorsAreNot()
    {
        var newer = new FakeElasticsearch(r => r.Path.Contains("/_doc/", StringComparison.Ordinal)
            ? (409, """{"error":{"type":"version_conflict_engine_exception","reason":"current version [50] is higher"},"status":409}""")
            : null);
        await newer.Index.RemoveAsync(Robot.Id, 42);

        var noAlias = new FakeElasticsearch(r => r.Path.Contains("/_doc/", StringComparison.Ordinal)
            ? (404, """{"error":{"type":"index_not_found_exception","reason":"no such index [offerings] and [require_alias] request flag is [true] and [offerings] is not an alias"},"status":404}""")
            : null);
        await Assert.ThrowsAsync<InvalidOperationException>(() => noAlias.Index.RemoveAsync(Robot.Id, 42));
        Assert.Single(noAlias.Requests);
    }

    [Fact]
    public async Task RemoveAndUpsert_DuringARebuild_AlsoReachTheNewIndex()
    {
        var es = new FakeElasticsearch();
        var streaming = new TaskCompletionSource();
        var proceed = new TaskCompletionSource();

        async IAsyncEnumerable<OfferingDocument> Snapshot()
        {
            yield return Football;
            streaming.SetResult();
            await proceed.Task;
            yield return Reading;
        }

        var rebuild = es.Index.RebuildAsync(Snapshot());
        await streaming.Task;
        var created = CreatedIndex(es).Path;
        await es.Index.RemoveAsync(Robot.Id, 42);
        await es.Index.UpsertAsync(Coding);
        proceed.SetResult();
        await rebuild;

        var writes = es.Requests.Where(r => r.Path.Contains("/_doc/", StringComparison.Ordinal)).Select(r => r.Path).ToList();
        Assert.Equal([$"/offerings/_doc/{Robot.Id}", $"{created}/_doc/{Robot.Id}", $"/offerings/_doc/{Coding.Id}", $"{created}/_doc/{Coding.Id}"], writes);
        Assert.True(Body(es.Requests.Single(r => r.Path == $"{created}/_doc/{Robot.Id}"))["removed"]!.GetValue<bool>());
        // The rebuild itself writes the snapshot only: no markers for offerings that are simply absent from it.
        Assert.DoesNotContain("removed", es.Requests.Single(r => r.Path.EndsWith("/_bulk", StringComparison.Ordinal)).Body!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("机器人", false)]
    [InlineData("机器人", true)]
    public async Task Search_LeavesRemovalMarkersOut_OfHitsTotalsAndFacets(string? text, bool nearByRelevance)
    {
        var es = new FakeElasticsearch();

        await es.Index.SearchAsync(new OfferingQuery(Text: text, Category: Category.Science, Near: nearByRelevance ? Here : null, Now: Now));

        var body = Body(es.Requests.Single());
        var query = nearByRelevance ? body["query"]!["function_score"]!["query"]! : body["query"]!;
        // In the query (not post_filter): aggregations and the total see only what the query matched.
        Assert.True(One(query["bool"]!["must_not"])["term"]!["removed"]!["value"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Rebuild_BulkLoadsANewIndex_ThenSwapsTheAliasInOneCall_ThenDropsTheOld()
    {
        var es = new FakeElasticsearch();

        var count = await es.Index.RebuildAsync(All.ToAsyncEnumerable());

        Assert.Equal(All.Count, count);
        var steps = es.Requests.Select(r => $"{r.Method} {r.Path}").ToList();
        var created = es.Requests[1].Path.TrimStart('/');
        Assert.StartsWith("offerings-v", created, StringComparison.Ordinal);
        Assert.Equal(
            [
                "GET /offerings/_settings/index.number_of_replicas", $"PUT /{created}", $"POST /{created}/_bulk", $"POST /{created}/_refresh",
                $"PUT /{created}/_mapping", "GET /_alias/offerings", "POST /_aliases", "DELETE /offerings-v1",
            ],
            steps);

        var bulk = es.Requests[2].Body!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(All.Count * 2, bulk.Length);
        var action = JsonNode.Parse(bulk[0])!["index"]!;
        Assert.Equal(All[0].Id.ToString(), action["_id"]!.GetValue<string>());
        Assert.Equal("external_gte", action["version_type"]!.GetValue<string>());
        Assert.Equal(1, action["version"]!.GetValue<long>());

        var actions = Body(es.Requests.Single(r => r.Path == "/_aliases"))["actions"]!.AsArray();
        Assert.Equal(2, actions.Count);
        Assert.Equal("offerings-v1", actions[0]!["remove"]!["index"]!.GetValue<string>());
        Assert.Equal("offerings", actions[0]!["remove"]!["alias"]!.GetValue<string>());
        Assert.True(actions[0]!["remove"]!["must_exist"]!.GetValue<bool>()); // else a remove another rebuild beat us to is skipped, the add kept
        Assert.Equal(created, actions[1]!["add"]!["index"]!.GetValue<string>());
        Assert.Equal("offerings", actions[1]!["add"]!["alias"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rebuild_KeepsTheReplicaCountAnOperatorGaveTheLiveIndex()
    {
        var raised = new FakeElasticsearch(r => r.Path == "/offerings/_settings/index.number_of_replicas"
            ? (200, """{"offerings-v1":{"settings":{"index":{"number_of_replicas":"2"}}}}""")
            : null);
        await raised.Index.RebuildAsync(All.ToAsyncEnumerable());
        Assert.Equal(2, Body(CreatedIndex(raised))["settings"]!["number_of_replicas"]!.GetValue<int>());

        // No index behind the alias yet: the template's count (0) applies, so the create names none.
        var first = new FakeElasticsearch(r => r.Method == "GET" && r.Path.StartsWith("/offerings/", StringComparison.Ordinal)
            ? (404, """{"error":{"type":"index_not_found_exception","reason":"no such index [offerings]"},"status":404}""")
            : null);
        await first.Index.RebuildAsync(All.ToAsyncEnumerable());
        Assert.Null(CreatedIndex(first).Body is { Length: > 0 } body ? JsonNode.Parse(body)!["settings"] : null);

        // Unreadable: the rebuild fails rather than quietly dropping a production index to no replicas.
        var unreadable = new FakeElasticsearch(r => r.Path == "/offerings/_settings/index.number_of_replicas" ? (503, "{}") : null);
        await Assert.ThrowsAsync<InvalidOperationException>(() => unreadable.Index.RebuildAsync(All.ToAsyncEnumerable()));
        Assert.DoesNotContain(unreadable.Requests, r => r.Method == "PUT");
    }

    [Fact]
    public async Task Rebuild_WhenTheSwapIsRefused_BecauseAnotherRebuildMovedTheAlias_DeletesOnlyItsOwnIndex()
    {
        var es = new FakeElasticsearch(r => r.Path == "/_aliases"
            ? (404, """{"error":{"type":"aliases_not_found_exception","reason":"aliases [offerings] missing","resource.id":"offerings"},"status":404}""")
            : null);

        await Assert.ThrowsAsync<InvalidOperationException>(() => es.Index.RebuildAsync(All.ToAsyncEnumerable()));

        Assert.Equal([$"DELETE {CreatedIndex(es).Path}"], es.Requests.Where(r => r.Method == "DELETE").Select(r => $"{r.Method} {r.Path}"));
    }

    /// <summary>Without must_exist (or on a cluster that ignores it) Elasticsearch applies the add, skips the remove and
    /// answers 200 with errors: true — which the client's typed response does not show.</summary>
    [Fact]
    public async Task Rebuild_WhenTheSwapAnswers200WithErrors_Fails_AndTakesItsIndexOffTheAlias()
    {
        var es = new FakeElasticsearch(r => r.Path == "/_aliases"
            ? (200, """
                {"acknowledged":true,"errors":true,"action_results":[
                  {"action":{"type":"remove","indices":["offerings-v1"],"aliases":["offerings"]},"status":404,
                   "error":{"type":"aliases_not_found_exception","reason":"aliases [offerings] missing"}},
                  {"action":{"type":"add","indices":["offerings-v2"],"aliases":["offerings"]},"status":200}]}
                """)
            : null);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => es.Index.RebuildAsync(All.ToAsyncEnumerable()));

        Assert.Contains("aliases_not_found_exception", error.Message, StringComparison.Ordinal);
        // Deleting the new index also takes it off the alias, which then names the old index alone again.
        Assert.Equal([$"DELETE {CreatedIndex(es).Path}"], es.Requests.Where(r => r.Method == "DELETE").Select(r => $"{r.Method} {r.Path}"));
    }

    [Fact]
    public async Task Rebuild_WhenTheSwapsAnswerIsLost_ButTheAliasNamesTheNewIndexAlone_KeepsIt()
    {
        string? created = null;
        var swapSent = false;
        var es = new FakeElasticsearch(r =>
        {
            if (r.Method == "PUT" && r.Path.StartsWith("/offerings-v", StringComparison.Ordinal)) created ??= r.Path.TrimStart('/');
            if (r.Path == "/_aliases")
            {
                swapSent = true;
                return (504, """{"error":{"type":"process_cluster_event_timeout_exception","reason":"timed out"},"status":504}""");
            }
            return r.Method == "GET" && r.Path == "/_alias/offerings" && swapSent
                ? (200, "{\"" + created + "\":{\"aliases\":{\"offerings\":{}}}}")
                : null;
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => es.Index.RebuildAsync(All.ToAsyncEnumerable()));

        Assert.DoesNotContain(es.Requests, r => r.Method == "DELETE"); // neither the live new index nor the old one (not known to be unused)
    }

    /// <summary>One 5 s timeout used to cover everything, so a rebuild's bulk, refresh or index creation on a loaded cluster timed out.</summary>
    [Fact]
    public async Task EachOperation_NamesItsOwnTimeout_SearchShort_BulkAndIndexAdministrationLonger()
    {
        var es = new FakeElasticsearch();

        await es.Index.InitializeAsync();
        await es.Index.SearchAsync(new OfferingQuery(Text: "足球", Now: Now));
        await es.Index.UpsertAsync(Football);
        await es.Index.RemoveAsync(Robot.Id, 3);
        await es.Index.RebuildAsync(All.ToAsyncEnumerable());
        await es.Index.IsHealthyAsync();

        var timeouts = es.Requests.Select(r => (Step: $"{r.Method} {Regex.Replace(r.Path, "offerings-v[0-9]+-[0-9a-f]+", "offerings-vNEW")}", r.Timeout))
            .Distinct().ToList();
        var minute = TimeSpan.FromMinutes(1);
        Assert.Equal(
            [
                ("PUT /_index_template/offerings", minute), ("HEAD /_alias/offerings", minute), ("PUT /offerings-v0", minute),
                ("POST /offerings/_search", TimeSpan.FromSeconds(5)),
                ($"PUT /offerings/_doc/{Football.Id}", TimeSpan.FromSeconds(10)), ($"PUT /offerings/_doc/{Robot.Id}", TimeSpan.FromSeconds(10)),
                ("GET /offerings/_settings/index.number_of_replicas", minute), ("PUT /offerings-vNEW", minute),
                ("POST /offerings-vNEW/_bulk", TimeSpan.FromMinutes(2)), ("POST /offerings-vNEW/_refresh", minute), ("PUT /offerings-vNEW/_mapping", minute),
                ("GET /_alias/offerings", minute), ("POST /_aliases", minute), ("DELETE /offerings-v1", minute),
                ("HEAD /", TimeSpan.FromSeconds(2)), ("GET /_alias/offerings", TimeSpan.FromSeconds(2)),
            ],
            timeouts);
    }

    /// <summary>Bulk items a busy node turned away (429, 503) failed the whole rebuild; they are now sent again, alone, after a back-off.</summary>
    [Fact]
    public async Task Rebuild_ResendsOnlyTheRejectedBulkItems_AfterABackOff()
    {
        var bulks = new List<(DateTimeOffset At, string[] Ids)>();
        FakeElasticsearch? es = null;
        es = new FakeElasticsearch(r =>
        {
            if (!r.Path.EndsWith("/_bulk", StringComparison.Ordinal)) return null;
            var ids = BulkIds(r);
            bulks.Add((es!.Time.GetUtcNow(), ids));
            return bulks.Count switch
            {
                // Items in request order: Robot 429, Coding 409 (a newer live write), Football 503, the rest created.
                1 => (200, BulkAnswer(ids, id => id == Robot.Id.ToString() ? 429 : id == Coding.Id.ToString() ? 409 : id == Football.Id.ToString() ? 503 : 201)),
                2 => (429, """{"error":{"type":"es_rejected_execution_exception","reason":"rejected execution"},"status":429}"""), // the whole request
                _ => (200, BulkAnswer(ids, _ => 201)),
            };
        });

        var count = await WithClockAsync(es, es.Index.RebuildAsync(All.ToAsyncEnumerable()));

        Assert.Equal(All.Count - 1, count); // all but the 409
        Assert.Equal(3, bulks.Count);
        Assert.Equal(All.Select(o => o.Id.ToString()), bulks[0].Ids);
        Assert.Equal([Robot.Id.ToString(), Football.Id.ToString()], bulks[1].Ids);
        Assert.Equal(bulks[1].Ids, bulks[2].Ids);
        Assert.Equal(TimeSpan.FromSeconds(1), bulks[1].At - bulks[0].At);
        Assert.Equal(TimeSpan.FromSeconds(2), bulks[2].At - bulks[1].At);
        Assert.Contains(es.Requests, r => r.Path == "/_aliases");
    }

    [Fact]
    public async Task Rebuild_FailsWhenBulkItemsAreStillRejected_AfterTheLastRetry_AndDropsItsIndex()
    {
        var attempts = new List<DateTimeOffset>();
        FakeElasticsearch? es = null;
        es = new FakeElasticsearch(r =>
        {
            if (!r.Path.EndsWith("/_bulk", StringComparison.Ordinal)) return null;
            attempts.Add(es!.Time.GetUtcNow());
            return (200, BulkAnswer(BulkIds(r), id => id == Robot.Id.ToString() ? 429 : 201));
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => WithClockAsync(es, es.Index.RebuildAsync(All.ToAsyncEnumerable())));

        Assert.Contains("still rejected", error.Message, StringComparison.Ordinal);
        Assert.Equal(6, attempts.Count); // the first and five retries, 1, 2, 4, 8, 16 s apart
        Assert.Equal([1, 2, 4, 8, 16], attempts.Zip(attempts.Skip(1), (a, b) => (b - a).TotalSeconds));
        Assert.Equal($"DELETE {CreatedIndex(es).Path}", $"{es.Requests[^1].Method} {es.Requests[^1].Path}");
        Assert.DoesNotContain(es.Requests, r => r.Path == "/_aliases");
    }

    private static string[] BulkIds(CapturedRequest bulk) =>
        [.. bulk.Body!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where((_, i) => i % 2 == 0).Select(line => JsonNode.Parse(line)!["index"]!["_id"]!.GetValue<string>())];

    private static string BulkAnswer(string[] ids, Func<string, int> status)
    {
        var items = new JsonArray();
        foreach (var id in ids)
        {
            var code = status(id);
            var item = new JsonObject { ["_index"] = "offerings-vNEW", ["_id"] = id, ["status"] = code };
            if (code >= 300)
                item["error"] = new JsonObject { ["type"] = code == 409 ? "version_conflict_engine_exception" : "es_rejected_execution_exception", ["reason"] = "busy or newer" };
            else
                item["result"] = "created";
            items.Add(new JsonObject { ["index"] = item });
        }
        return new JsonObject { ["took"] = 1, ["errors"] = ids.Any(id => status(id) >= 300), ["items"] = items }.ToJsonString();
    }

    /// <summary>Runs <paramref name="task"/> while moving the fake clock on, so its back-off pauses pass.</summary>
    private static async Task<T> WithClockAsync<T>(FakeElasticsearch es, Task<T> task)
    {
        while (!task.IsCompleted)
        {
            es.Time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(1);
        }
        return await task;
    }

    private static CapturedRequest CreatedIndex(FakeElasticsearch es) =>
        es.Requests.First(r => r.Method == "PUT" && r.Path.StartsWith("/offerings-v", StringComparison.Ordinal));

    [Fact]
    public async Task Rebuild_WhenBulkFails_DeletesTheNewIndex_AndLeavesTheAlias()
    {
        var es = new FakeElasticsearch(r => r.Path.EndsWith("/_bulk", StringComparison.Ordinal)
            ? (500, """{"error":{"type":"es_rejected_execution_exception","reason":"busy"},"status":500}""")
            : null);

        await Assert.ThrowsAsync<InvalidOperationException>(() => es.Index.RebuildAsync(All.ToAsyncEnumerable()));

        var created = CreatedIndex(es).Path;
        Assert.Equal($"DELETE {created}", $"{es.Requests[^1].Method} {es.Requests[^1].Path}");
        Assert.DoesNotContain(es.Requests, r => r.Path == "/_aliases");
    }

    [Fact]
    public async Task Rebuild_WhenTheCreateFails_StillTriesToDeleteWhatTheClusterMayHaveMade()
    {
        var es = new FakeElasticsearch(r => r.Method == "PUT" && r.Path.StartsWith("/offerings-v", StringComparison.Ordinal)
            ? (504, """{"error":{"type":"timeout_exception","reason":"timed out waiting for active shards"},"status":504}""")
            : null);

        await Assert.ThrowsAsync<InvalidOperationException>(() => es.Index.RebuildAsync(All.ToAsyncEnumerable()));

        Assert.Equal($"DELETE {CreatedIndex(es).Path}", $"{es.Requests[^1].Method} {es.Requests[^1].Path}");
    }

    /// <summary>
    /// smartcn has no user dictionary: 非遗 went to the analysed query as 非 + 遗, matching texts that merely hold both
    /// characters and missing 非遗传承人 (非 + 遗传 + 承 + 人). A listed word now leaves that part and is required as a phrase on
    /// the bigram subfields, with its synonyms as alternatives; the rest of the text is analysed as before.
    /// </summary>
    [Fact]
    public async Task Search_ADomainWordInTheText_IsABigramPhrase_WithItsSynonyms_AndTheRestIsAnalysedAsBefore()
    {
        var es = new FakeElasticsearch();

        await es.Index.SearchAsync(new OfferingQuery(Text: "非遗剪纸研学", Now: Now));

        var body = Body(es.Requests.Single());
        var clauses = Many(One(body["query"]!["bool"]!["must"])["bool"]!["must"]);
        Assert.Equal(3, clauses.Count);
        var rest = clauses[0]["multi_match"]!;
        Assert.Equal("剪纸", rest["query"]!.GetValue<string>().Trim());
        Assert.Equal("zh_search", rest["analyzer"]!.GetValue<string>());
        Assert.Equal("all", rest["zero_terms_query"]!.GetValue<string>());

        string[] bigrams = ["title.bigram^3", "summary.bigram", "description.bigram", "providerName.bigram", "tags.bigram"];
        var heritage = Many(clauses[1]["bool"]!["should"]).Select(c => c["multi_match"]!).ToList();
        Assert.Equal(["非遗", "非物质文化遗产"], heritage.Select(m => m["query"]!.GetValue<string>())); // the word first, then its group
        Assert.All(heritage, m => Assert.Equal("phrase", m["type"]!.GetValue<string>()));
        Assert.All(heritage, m => Assert.Equal(bigrams, Strings(m["fields"])));
        Assert.Equal(1, clauses[1]["bool"]!["minimum_should_match"]!.GetValue<int>());
        var studyTrip = clauses[2]["multi_match"]!;
        Assert.Equal("研学", studyTrip["query"]!.GetValue<string>());
        Assert.Equal("phrase", studyTrip["type"]!.GetValue<string>());
        Assert.Null(studyTrip["analyzer"]); // each bigram subfield's own analyzer

        // The synonym read the same way (it finds 非遗传承人 too), and a text without listed words is one analysed match as before.
        await es.Index.SearchAsync(new OfferingQuery(Text: "非物质文化遗产", Now: Now));
        Assert.Equal(["非遗", "非物质文化遗产"],
            Many(One(Body(es.Requests[^1])["query"]!["bool"]!["must"])["bool"]!["should"]).Select(c => c["multi_match"]!["query"]!.GetValue<string>()));
        await es.Index.SearchAsync(new OfferingQuery(Text: "机器人编程", Now: Now));
        Assert.Equal("机器人编程", One(Body(es.Requests[^1])["query"]!["bool"]!["must"])["multi_match"]!["query"]!.GetValue<string>());
    }

    [Fact]
    public async Task Search_HighlightsDomainWordsMatchedOnTheBigramSubfields_InTheFieldsOwnText()
    {
        var es = new FakeElasticsearch();

        await es.Index.SearchAsync(new OfferingQuery(Text: "非遗", Now: Now));

        var fields = Body(es.Requests.Single())["highlight"]!["fields"]!.AsArray().Select(f => f!.AsObject().Single()).ToList();
        Assert.Equal(["title", "summary", "description"], fields.Select(f => f.Key));
        // The client writes a one-field list as a string; Elasticsearch parses matched_fields as a string array, which takes either.
        Assert.All(fields, f => Assert.Equal([f.Key + ".bigram"], Many(f.Value!["matched_fields"]).Select(n => n.GetValue<string>())));
    }

    [Fact]
    public void Template_HasBigramSubfieldsOnEveryTextField_AndTheWordsAreInTheSchemaStamp()
    {
        var (json, schema) = Marketplace.Search.Elasticsearch.OfferingTemplate.RenderWithSchema("offerings", new SearchSynonyms(), new SearchWords());
        var template = JsonNode.Parse(json)!;

        var bigram = template["template"]!["settings"]!["analysis"]!["analyzer"]!["zh_bigram"]!;
        Assert.Equal("standard", bigram["tokenizer"]!.GetValue<string>());
        Assert.Equal(["cjk_width", "lowercase", "cjk_bigram"], Strings(bigram["filter"]));
        var properties = template["template"]!["mappings"]!["properties"]!;
        foreach (var field in new[] { "title", "summary", "description", "providerName", "tags" })
            Assert.Equal("zh_bigram", properties[field]!["fields"]!["bigram"]!["analyzer"]!.GetValue<string>());
        Assert.Equal(SearchWords.Default, Strings(template["_meta"]!["search_words"]));

        // A changed word list changes the stamp: the next start rebuilds, as the Lucene index does.
        Assert.NotEqual(schema, OfferingTemplateSchema(new SearchSynonyms(), new SearchWords { Words = [.. SearchWords.Default, "龙泉青瓷"] }));
    }

    private static JsonNode Body(CapturedRequest request) => JsonNode.Parse(request.Body!)!;

    /// <summary>The client writes a one-element clause list as a single object; ES accepts both.</summary>
    private static List<JsonNode> Many(JsonNode? node) => node is JsonArray array ? [.. array.Select(n => n!)] : [node!];

    private static JsonNode One(JsonNode? node) => Assert.Single(Many(node));

    private static List<string> Strings(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<string>())];
}

public class ElasticsearchTemplateTests
{
    [Fact]
    public void Template_WithoutSynonyms_LeavesTheSynonymFilterOut()
    {
        var template = System.Text.Json.Nodes.JsonNode.Parse(
            Marketplace.Search.Elasticsearch.OfferingTemplate.Render("offerings", new Marketplace.Core.Search.SearchSynonyms { Groups = [] }, new Marketplace.Core.Search.SearchWords()))!;
        var analysis = template["template"]!["settings"]!["analysis"]!;
        Assert.Null(analysis["filter"]!["zh_synonyms"]);
        Assert.DoesNotContain("zh_synonyms", analysis["analyzer"]!["zh_search"]!["filter"]!.AsArray().Select(f => f!.GetValue<string>()));
    }
}
