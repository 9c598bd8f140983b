using Marketplace.Core.Search;

namespace Marketplace.Search.Elasticsearch;

public sealed class ElasticsearchIndexOptions
{
    public string Url { get; set; } = "";

    /// <summary>Reads and writes go through this alias; concrete indices are named <c>{alias}-v{timestamp}</c>.</summary>
    public string IndexAlias { get; set; } = "offerings";

    public SearchSynonyms Synonyms { get; set; } = new();

    /// <summary>
    /// Domain words smartcn splits (非遗, 研学 …): matched as phrases on character-bigram subfields (see
    /// <see cref="EsDomainWords"/>). Part of the template's schema stamp, like the synonyms.
    /// </summary>
    public SearchWords Words { get; set; } = new();

    /// <summary>
    /// Wait for a refresh before a write returns (<c>refresh=wait_for</c>). Off in production: the index is
    /// derived data and a second of lag is fine; tests that read their own writes turn it on.
    /// </summary>
    public bool RefreshOnWrite { get; set; }

    /// <summary>A search waits this long: a user is waiting, and a slow cluster should fail fast.</summary>
    public TimeSpan SearchTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>One offering's upsert or removal (the outbox dispatcher retries a failed batch).</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>One bulk request of a rebuild (500 offerings).</summary>
    public TimeSpan BulkTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Index administration: template, create, refresh, mapping, alias swap, delete (creating an index waits for its shards).</summary>
    public TimeSpan AdminTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The readiness check's ping and alias read together.</summary>
    public TimeSpan HealthTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a rebuild re-sends bulk items a busy cluster rejected (429/503) before it gives up.</summary>
    public int BulkRetries { get; set; } = 5;

    /// <summary>The first pause before re-sending rejected bulk items; it doubles for each retry (at most 30 s).</summary>
    public TimeSpan BulkRetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}
