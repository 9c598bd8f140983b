using Marketplace.Core.Search;

namespace Marketplace.Search.Elasticsearch;

public sealed class ElasticsearchIndexOptions
{
    public string Url { get; set; } = "";

    /// <summary>Reads and writes go through this alias; concrete indices are named <c>{alias}-v{timestamp}</c>.</summary>
    public string IndexAlias { get; set; } = "offerings";

    public SearchSynonyms Synonyms { get; set; } = new();

    /// <summary>
    /// Wait for a refresh before a write returns (<c>refresh=wait_for</c>). Off in production: the index is
    /// derived data and a second of lag is fine; tests that read their own writes turn it on.
    /// </summary>
    public bool RefreshOnWrite { get; set; }
}
