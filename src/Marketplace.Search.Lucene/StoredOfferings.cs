using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Marketplace.Core.Search;
using Marketplace.Core.Shared;

namespace Marketplace.Search.Lucene;

/// <summary>
/// The stored offering of a hit, parsed once and kept per segment core: stored fields of a segment never change
/// (an update is a new document in a new segment), so a frequently shown offering is not decompressed and
/// deserialised again for every page it appears on. Bounded per segment; the entries go with the segment.
/// </summary>
internal static class StoredOfferings
{
    public const int CapacityPerSegment = 1024;

    private static readonly ISet<string> SourceOnly = new HashSet<string> { LuceneFields.Source };
    private static readonly ConditionalWeakTable<object, ConcurrentDictionary<int, OfferingDocument>> Cache = new();

    /// <summary>The offering stored for <paramref name="doc"/> (top-level id) of <paramref name="reader"/>.</summary>
    public static OfferingDocument Load(IndexReader reader, int doc)
    {
        var leaves = reader.Leaves;
        var leaf = leaves[ReaderUtil.SubIndex(doc, leaves)];
        var local = doc - leaf.DocBase;
        var cache = Cache.GetValue(leaf.AtomicReader.CoreCacheKey, _ => new ConcurrentDictionary<int, OfferingDocument>());
        if (cache.TryGetValue(local, out var offering)) return offering;
        offering = StoreJson.Deserialize<OfferingDocument>(leaf.AtomicReader.Document(local, SourceOnly).Get(LuceneFields.Source));
        if (cache.Count < CapacityPerSegment) cache.TryAdd(local, offering);
        return offering;
    }
}
