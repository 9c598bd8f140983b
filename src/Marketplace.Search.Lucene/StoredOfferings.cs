using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Marketplace.Core.Persistence;
using Marketplace.Core.Search;
using Marketplace.Core.Shared;

namespace Marketplace.Search.Lucene;

/// <summary>A hit's stored offering with the segmentation of its title, summary and description.</summary>
internal sealed record StoredOffering(OfferingDocument Offering, TextToken[] Title, TextToken[] Summary, TextToken[] Description);

/// <summary>
/// The stored offering of a hit, parsed once and kept per segment core: stored fields of a segment never change
/// (an update is a new document in a new segment), so a frequently shown offering is not decompressed and
/// deserialised again for every page it appears on. Bounded per segment (<see cref="CapacityOf"/>); the entries go with the segment.
/// </summary>
internal static class StoredOfferings
{
    /// <summary>Parsed hits kept per segment: a tenth of its documents, at least 1,024 (a few KB each).</summary>
    public static int CapacityOf(int maxDoc) => Math.Max(1024, maxDoc / 10);

    private static readonly ISet<string> Fields = new HashSet<string> { LuceneFields.Source, LuceneFields.Segmentation };
    private static readonly ConditionalWeakTable<object, ConcurrentDictionary<int, StoredOffering>> Cache = new();

    /// <summary>The offering stored for <paramref name="doc"/> (top-level id) of <paramref name="reader"/>.</summary>
    public static StoredOffering Load(IndexReader reader, int doc)
    {
        var leaves = reader.Leaves;
        var leaf = leaves[ReaderUtil.SubIndex(doc, leaves)];
        var local = doc - leaf.DocBase;
        var cache = Cache.GetValue(leaf.AtomicReader.CoreCacheKey, _ => new ConcurrentDictionary<int, StoredOffering>());
        if (cache.TryGetValue(local, out var stored)) return stored;
        var fields = leaf.AtomicReader.Document(local, Fields);
        var packed = fields.GetBinaryValue(LuceneFields.Segmentation);
        var texts = StoredSegmentation.Unpack(packed.Bytes, packed.Offset, packed.Length, 3);
        stored = new StoredOffering(StoreJson.Deserialize<OfferingDocument>(fields.Get(LuceneFields.Source)), texts[0], texts[1], texts[2]);
        if (cache.Count < CapacityOf(leaf.AtomicReader.MaxDoc)) cache.TryAdd(local, stored);
        return stored;
    }
}
