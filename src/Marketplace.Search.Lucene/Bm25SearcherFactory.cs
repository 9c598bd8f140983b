using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Every searcher the SearcherManager opens ranks with BM25, like Elasticsearch, and has the collector's columns of
/// its segments ready: a new segment's are built here (by the refresh after a write, or at open), not by the first search.
/// </summary>
internal sealed class Bm25SearcherFactory : SearcherFactory
{
    public override IndexSearcher NewSearcher(IndexReader reader)
    {
        foreach (var leaf in reader.Leaves)
            _ = SegmentColumns.For(leaf.AtomicReader);
        return new(reader) { Similarity = new BM25Similarity() };
    }
}
