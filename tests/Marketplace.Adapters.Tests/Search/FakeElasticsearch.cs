using Elastic.Clients.Elasticsearch;
using Elastic.Transport;
using Marketplace.Search.Elasticsearch;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Marketplace.Adapters.Tests.Search;

/// <summary>
/// The Elasticsearch adapter wired to a <see cref="CapturingRequestInvoker"/> that answers like a cluster
/// whose alias <c>offerings</c> points at <c>offerings-v1</c>. Tests may override any answer.
/// </summary>
public sealed class FakeElasticsearch
{
    public const string Alias = "offerings";
    public const string LiveIndex = "offerings-v1";

    public FakeElasticsearch(Func<CapturedRequest, (int Status, string Body)?>? overrides = null)
    {
        Invoker = new CapturingRequestInvoker(r => overrides?.Invoke(r) ?? Answer(r));
        var settings = new ElasticsearchClientSettings(new SingleNodePool(new Uri("http://elasticsearch.test:9200")), Invoker).DisableDirectStreaming();
        Index = new ElasticsearchOfferingIndex(new ElasticsearchClient(settings), Options.Create(new ElasticsearchIndexOptions { Url = "http://elasticsearch.test:9200" }), Time);
    }

    public CapturingRequestInvoker Invoker { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));

    internal ElasticsearchOfferingIndex Index { get; }

    public IReadOnlyList<CapturedRequest> Requests => Invoker.Requests;

    public string SearchResponse { get; set; } = """{"took":1,"timed_out":false,"hits":{"total":{"value":0,"relation":"eq"},"hits":[]}}""";

    private (int, string) Answer(CapturedRequest r) => (r.Method, r.Path) switch
    {
        ("HEAD", var p) when p.StartsWith("/_alias/", StringComparison.Ordinal) => (404, ""),
        ("HEAD", _) => (200, ""),
        ("GET", "/_alias/" + Alias) => (200, """{"offerings-v1":{"aliases":{"offerings":{}}}}"""),
        ("GET", "/" + Alias + "/_settings/index.number_of_replicas") => (200, """{"offerings-v1":{"settings":{"index":{"number_of_replicas":"0"}}}}"""),
        ("POST", "/_aliases") => (200, """{"acknowledged":true}"""),
        ("PUT", var p) when p.StartsWith("/_index_template/", StringComparison.Ordinal) => (200, """{"acknowledged":true}"""),
        ("PUT", var p) when p.EndsWith("/_mapping", StringComparison.Ordinal) => (200, """{"acknowledged":true}"""),
        (_, var p) when p.Contains("/_doc/", StringComparison.Ordinal) =>
            (200, """{"_index":"offerings-v1","_id":"x","_version":1,"result":"updated","_shards":{"total":1,"successful":1,"failed":0},"_seq_no":1,"_primary_term":1}"""),
        ("PUT", var p) => (200, $$"""{"acknowledged":true,"shards_acknowledged":true,"index":"{{p.TrimStart('/')}}"}"""),
        (_, var p) when p.EndsWith("/_bulk", StringComparison.Ordinal) => (200, """{"took":1,"errors":false,"items":[]}"""),
        (_, var p) when p.EndsWith("/_refresh", StringComparison.Ordinal) => (200, """{"_shards":{"total":1,"successful":1,"failed":0}}"""),
        (_, var p) when p.EndsWith("/_search", StringComparison.Ordinal) => (200, SearchResponse),
        ("DELETE", _) => (200, """{"acknowledged":true}"""),
        _ => (400, $$"""{"error":{"type":"unexpected_request","reason":"{{r.Method}} {{r.Path}}"},"status":400}"""),
    };
}
