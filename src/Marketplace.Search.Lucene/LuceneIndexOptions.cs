using Marketplace.Core.Search;

namespace Marketplace.Search.Lucene;

public sealed class LuceneIndexOptions
{
    /// <summary>Root folder of the index; generations live in sub-folders named by the <c>current</c> pointer file.</summary>
    public string Directory { get; set; } = "";

    public SearchSynonyms Synonyms { get; set; } = new();

    /// <summary>Domain words the segmenter keeps whole (part of the index schema: a change rebuilds the index).</summary>
    public SearchWords Words { get; set; } = new();
}
