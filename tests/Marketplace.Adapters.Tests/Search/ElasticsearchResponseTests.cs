using Marketplace.Core.Catalog;
using Marketplace.Core.Search;
using static Marketplace.Adapters.Tests.Search.SearchSamples;

namespace Marketplace.Adapters.Tests.Search;

/// <summary>A search response as Elasticsearch sends it (typed_keys aggregations) becomes the port's SearchResult.</summary>
public sealed class ElasticsearchResponseTests
{
    [Fact]
    public async Task Search_ParsesHitsHighlightsAndTypedKeyFacets()
    {
        var es = new FakeElasticsearch { SearchResponse = CannedResponse() };

        var result = await es.Index.SearchAsync(new OfferingQuery(Text: "机器人编程", Near: Here, Now: Now));

        Assert.Equal(2, result.Total);
        var hit = Assert.Single(result.Items);
        Assert.Equal(Robot.Id, hit.Id);
        Assert.Equal(Robot.Title, hit.Title);
        Assert.Equal(Category.Science, hit.Category);
        Assert.Equal(DeliveryMode.OffCampus, hit.Mode);
        Assert.Equal(3000, hit.PriceFen);
        Assert.Equal([4, 5, 6], hit.Grades);
        Assert.Equal(2.5, hit.Score);
        Assert.Equal(1.0, hit.DistanceKm!.Value, precision: 2);
        Assert.Equal(["青少年<em>机器人</em><em>编程</em>科普课"], hit.Highlights["title"]);
        Assert.Equal(Robot.Sessions[0].Id, hit.NextSession!.Id);
        Assert.Equal(Robot.Sessions[0].StartsAt, hit.NextSession.StartsAt);

        Assert.Equal(new Dictionary<string, long> { ["Science"] = 2, ["Arts"] = 1 }, result.Facets.Category);
        Assert.Equal(new Dictionary<string, long> { ["OffCampus"] = 1, ["OnCampus"] = 1 }, result.Facets.Mode);
        Assert.Equal(new Dictionary<string, long> { ["310104"] = 2 }, result.Facets.District);
        Assert.Equal(new Dictionary<string, long> { [PriceBands.Free] = 1, [PriceBands.UpTo10] = 0, [PriceBands.UpTo50] = 1, [PriceBands.Above50] = 0 }, result.Facets.Price);
    }

    /// <summary>nextSession and upcoming come from the stored sessions under the query's conditions; comesToYou from the campus districts.</summary>
    [Fact]
    public async Task Search_NextSessionHonoursFrom_UpcomingSaysWhatFits_AndComesToYouIsDistanceZero()
    {
        var es = new FakeElasticsearch { SearchResponse = CannedResponse(campusDistricts: "\"310104\"", mode: "Both") };
        var tuesday = new SessionWindow(DayOfWeek.Tuesday, 0, SessionWindow.OpenEnd);
        var session = Robot.Sessions[0]; // Wednesday 2026-03-04, 16:00 Beijing

        var fromLater = await es.Index.SearchAsync(new OfferingQuery(Near: Here, From: session.StartsAt.AddMinutes(1), Now: Now) { ComesTo = "310104" });
        var windowed = await es.Index.SearchAsync(new OfferingQuery(Now: Now) { Windows = [tuesday] });

        var hit = Assert.Single(fromLater.Items);
        Assert.Null(hit.NextSession);
        Assert.Empty(hit.Upcoming);
        Assert.True(hit.ComesToYou);
        Assert.Equal(0, hit.DistanceKm);
        var other = Assert.Single(windowed.Items);
        Assert.Null(other.NextSession);
        Assert.Equal([false], other.Upcoming.Select(u => u.Fits));
        Assert.False(other.ComesToYou);
    }

    private static string CannedResponse(string campusDistricts = "", string mode = "OffCampus")
    {
        var session = Robot.Sessions[0];
        return $$"""
        {
          "took": 4, "timed_out": false,
          "_shards": { "total": 1, "successful": 1, "skipped": 0, "failed": 0 },
          "hits": {
            "total": { "value": 2, "relation": "eq" }, "max_score": 2.5,
            "hits": [{
              "_index": "offerings-v1", "_id": "{{Robot.Id}}", "_score": 2.5,
              "_source": {
                "id": "{{Robot.Id}}", "providerId": "{{Robot.ProviderId}}", "providerName": "{{Robot.ProviderName}}",
                "title": "{{Robot.Title}}", "summary": "{{Robot.Summary}}", "description": "{{Robot.Description}}", "tags": ["科创"],
                "category": "Science", "mode": "{{mode}}", "campusDistricts": [{{campusDistricts}}], "grades": [4, 5, 6], "districts": ["310104"], "priceFen": 3000,
                "venue": { "lat": {{Robot.Venue!.Lat}}, "lon": {{Robot.Venue.Lon}} },
                "sessions": [{ "id": "{{session.Id}}", "startsAt": "{{session.StartsAt:O}}", "endsAt": "{{session.EndsAt:O}}", "freeSeats": 10 }],
                "version": 1, "updatedAt": "2026-02-20T08:00:00Z"
              },
              "highlight": { "title": ["青少年<em>机器人</em><em>编程</em>科普课"] }
            }]
          },
          "aggregations": {
            "filter#category": { "doc_count": 3, "sterms#values": { "doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
              "buckets": [{ "key": "Science", "doc_count": 2 }, { "key": "Arts", "doc_count": 1 }] } },
            "filter#mode": { "doc_count": 2, "sterms#values": { "doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
              "buckets": [{ "key": "OffCampus", "doc_count": 1 }, { "key": "OnCampus", "doc_count": 1 }] } },
            "filter#district": { "doc_count": 2, "sterms#values": { "doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
              "buckets": [{ "key": "310104", "doc_count": 2 }] } },
            "filter#price": { "doc_count": 2, "range#values": { "buckets": [
              { "key": "free", "to": 1.0, "doc_count": 1 },
              { "key": "1-1000", "from": 1.0, "to": 1001.0, "doc_count": 0 },
              { "key": "1001-5000", "from": 1001.0, "to": 5001.0, "doc_count": 1 },
              { "key": "5001+", "from": 5001.0, "doc_count": 0 }] } }
          }
        }
        """;
    }
}
