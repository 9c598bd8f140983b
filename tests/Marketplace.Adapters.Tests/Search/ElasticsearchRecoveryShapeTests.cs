using System.Text.Json.Nodes;
using Marketplace.Core.Search;
using static Marketplace.Adapters.Tests.Search.SearchSamples;

namespace Marketplace.Adapters.Tests.Search;

/// <summary>
/// The store history an Elasticsearch index reflects (issue 17), through the in-memory transport: the epoch in the mapping's
/// <c>_meta</c>, the highest cursor as a <c>max</c> aggregation, and a restored store's scenario end to end on a fake cluster.
/// </summary>
public sealed class ElasticsearchRecoveryShapeTests
{
    [Fact]
    public async Task Watermark_IsTheMappingsStoreEpoch_AndTheHighestVersion_RemovalMarkersIncluded()
    {
        var es = new FakeElasticsearch(r => (r.Method, r.Path) switch
        {
            ("GET", "/offerings/_mapping") => (200, """{"offerings-v1":{"mappings":{"_meta":{"schema":"s","storeEpoch":"e1"},"properties":{}}}}"""),
            ("POST", "/offerings/_search") => (200, """{"took":1,"timed_out":false,"hits":{"total":{"value":0,"relation":"eq"},"hits":[]},"aggregations":{"cursor":{"value":42.0}}}"""),
            _ => null,
        });

        Assert.Equal(new IndexWatermark("e1", 42), await es.Index.GetWatermarkAsync());
        var max = Body(es.Requests.Single(r => r.Path == "/offerings/_search"));
        Assert.Equal(0, max["size"]!.GetValue<int>());
        Assert.Equal("version", max["aggs"]!["cursor"]!["max"]!["field"]!.GetValue<string>());
        Assert.Null(max["query"]); // no filter: removal markers carry the cursor that removed an offering

        var unstamped = new FakeElasticsearch(r => (r.Method, r.Path) switch
        {
            ("GET", "/offerings/_mapping") => (200, """{"offerings-v1":{"mappings":{"_meta":{"schema":"s"},"properties":{}}}}"""),
            ("POST", "/offerings/_search") => (200, """{"took":1,"timed_out":false,"hits":{"total":{"value":0,"relation":"eq"},"hits":[]},"aggregations":{"cursor":{"value":null}}}"""),
            _ => null,
        });
        Assert.Equal(new IndexWatermark(null, 0), await unstamped.Index.GetWatermarkAsync()); // built before epochs: rebuilt
    }

    [Fact]
    public async Task Rebuild_StampsTheStoreEpoch_WithTheSchema_BeforeTheSwap()
    {
        var es = new FakeElasticsearch();
        await es.Index.RebuildAsync(All.ToAsyncEnumerable(), "epoch-2");
        var steps = es.Requests.Select(r => $"{r.Method} {r.Path}").ToList();
        var stamp = es.Requests.Single(r => r.Method == "PUT" && r.Path.EndsWith("/_mapping", StringComparison.Ordinal));
        Assert.True(es.Requests.ToList().IndexOf(stamp) < steps.IndexOf("POST /_aliases"), string.Join(", ", steps));
        Assert.Equal("epoch-2", Body(stamp)["_meta"]!["storeEpoch"]!.GetValue<string>());
        Assert.NotNull(Body(stamp)["_meta"]!["schema"]);
    }

    [Fact]
    public async Task List_PagesByIdWithoutRemovalMarkers_ReadingVersionUpdatedAtAndSeats()
    {
        var session = Guid.CreateVersion7();
        var page = new JsonArray();
        for (var i = 0; i < 1000; i++)
            page.Add(Hit(Guid.CreateVersion7(), 5, []));
        var last = Guid.CreateVersion7();
        var es = new FakeElasticsearch(r => r.Path == "/offerings/_search"
            ? (200, Hits(r.Body!.Contains("search_after", StringComparison.Ordinal) ? new JsonArray(Hit(last, 9, [(session, 3)])) : page))
            : null);

        var listed = await es.Index.ListAsync().ToListAsync();

        Assert.Equal(1001, listed.Count);
        Assert.Equal(9, listed[^1].Version);
        Assert.Equal(3, Assert.Single(listed[^1].Sessions).FreeSeats);
        var requests = es.Requests.Select(Body).ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal("asc", requests[0]["sort"]![0]!["id"]!.GetValue<string>());
        Assert.True(requests[0]["query"]!["bool"]!["must_not"]![0]!["term"]!["removed"]!.GetValue<bool>());
        Assert.Equal(page[^1]!["_source"]!["id"]!.GetValue<string>(), requests[1]["search_after"]![0]!.GetValue<string>());
    }

    /// <summary>
    /// A store restored to an older point (new epoch E2, newest cursor 9) meets the index that served it before (epoch E1, a
    /// ghost written at cursor 12): the index is of another history; its rebuild fills a new index with the store's offerings
    /// only, stamps E2 and moves the alias, and the old index with the ghost goes. Writes after the restore reuse cursors 10,
    /// 11, … — below the ghost's 12 — and now land on an index whose highest version is the store's.
    /// </summary>
    [Fact]
    public async Task AfterARestore_TheIndexOfTheOldHistory_IsRebuiltWithoutTheGhost_AndTakesTheReusedCursors()
    {
        var cluster = new FakeCluster("offerings-v1", "e1", 12);
        var es = new FakeElasticsearch(cluster.Answer);
        Assert.Equal(IndexWatermark.OtherEpoch, (await es.Index.GetWatermarkAsync()).MismatchWith("e2", 9));
        Assert.Equal(IndexWatermark.Ahead, (await es.Index.GetWatermarkAsync()).MismatchWith("e1", 9)); // restored by hand, epoch kept

        await es.Index.RebuildAsync(new[] { Football with { Version = 9 }, Reading with { Version = 9 } }.ToAsyncEnumerable(), "e2");

        var bulk = es.Requests.Single(r => r.Path.EndsWith("/_bulk", StringComparison.Ordinal));
        Assert.Equal([Football.Id.ToString(), Reading.Id.ToString()], bulk.Body!.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!).Where(n => n["index"] is not null).Select(n => n["index"]!["_id"]!.GetValue<string>()));
        Assert.Contains(es.Requests, r => r is { Method: "DELETE", Path: "/offerings-v1" }); // the ghost's index
        Assert.Null((await es.Index.GetWatermarkAsync()).MismatchWith("e2", 9));

        var before = es.Requests.Count;
        var published = Robot with { Version = 10 };
        await es.Index.UpsertAsync(published);
        var write = Assert.Single(es.Requests.Skip(before));
        Assert.Equal($"/offerings/_doc/{published.Id}", write.Path);
        Assert.Contains("version=10", write.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("version_type=external_gte", write.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(new IndexWatermark("e2", 10), await es.Index.GetWatermarkAsync());
    }

    /// <summary>Just enough cluster state for the scenario: the index behind the alias, its stamped epoch, its highest version.</summary>
    private sealed class FakeCluster(string live, string epoch, long max)
    {
        private readonly Dictionary<string, string> _stamped = [];
        private readonly Dictionary<string, long> _max = [];
        private (string Index, string Epoch, long Max) _live = (live, epoch, max);

        public (int, string)? Answer(CapturedRequest r)
        {
            var path = r.Path;
            if (r.Method == "GET" && path == "/offerings/_mapping")
                return (200, "{\"" + _live.Index + "\":{\"mappings\":{\"_meta\":{\"schema\":\"s\",\"storeEpoch\":\"" + _live.Epoch + "\"},\"properties\":{}}}}");
            if (r.Method == "GET" && path == "/_alias/offerings")
                return (200, "{\"" + _live.Index + "\":{\"aliases\":{\"offerings\":{}}}}");
            if (r.Method == "POST" && path == "/offerings/_search")
                return (200, """{"took":1,"timed_out":false,"hits":{"total":{"value":0,"relation":"eq"},"hits":[]},"aggregations":{"cursor":{"value":""" + _live.Max + "}}}");
            if (r.Method == "PUT" && path.EndsWith("/_mapping", StringComparison.Ordinal))
                _stamped[path.Split('/')[1]] = JsonNode.Parse(r.Body!)!["_meta"]!["storeEpoch"]!.GetValue<string>();
            if (path.EndsWith("/_bulk", StringComparison.Ordinal))
                _max[path.Split('/')[1]] = r.Body!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!)
                    .Where(n => n["index"] is not null).Max(n => n["index"]!["version"]!.GetValue<long>());
            if (r.Method == "PUT" && path.StartsWith("/offerings/_doc/", StringComparison.Ordinal))
                _live.Max = Math.Max(_live.Max, long.Parse(r.PathAndQuery.Split("version=")[1].Split('&')[0], System.Globalization.CultureInfo.InvariantCulture));
            if (r.Method == "POST" && path == "/_aliases")
            {
                var added = JsonNode.Parse(r.Body!)!["actions"]!.AsArray().Select(a => a!["add"]?["index"]?.GetValue<string>()).Single(i => i is not null)!;
                _live = (added, _stamped[added], _max[added]);
            }
            return null;
        }
    }

    private static JsonObject Hit(Guid id, long version, (Guid Id, int Free)[] sessions) => new()
    {
        ["_id"] = id.ToString(),
        ["_source"] = new JsonObject
        {
            ["id"] = id.ToString(), ["version"] = version, ["updatedAt"] = "2026-03-02T08:00:00+00:00",
            ["sessions"] = new JsonArray([.. sessions.Select(s => (JsonNode)new JsonObject
            {
                ["id"] = s.Id.ToString(), ["startsAt"] = "2026-03-10T08:00:00+00:00", ["endsAt"] = "2026-03-10T09:30:00+00:00", ["freeSeats"] = s.Free,
            })]),
        },
    };

    private static string Hits(JsonArray hits) =>
        new JsonObject { ["took"] = 1, ["timed_out"] = false, ["hits"] = new JsonObject { ["total"] = new JsonObject { ["value"] = hits.Count, ["relation"] = "eq" }, ["hits"] = hits } }.ToJsonString();

    private static JsonNode Body(CapturedRequest request) => JsonNode.Parse(request.Body!)!;
}
