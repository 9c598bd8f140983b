using Marketplace.Core.Search;

namespace Marketplace.Search.Lucene;

public sealed class LuceneIndexOptions
{
    /// <summary>Root folder of the index; generations live in sub-folders named by the <c>current</c> pointer file.</summary>
    public string Directory { get; set; } = "";

    public SearchSynonyms Synonyms { get; set; } = new();
}
