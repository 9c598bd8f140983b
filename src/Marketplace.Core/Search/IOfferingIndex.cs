namespace Marketplace.Core.Search;

/// <summary>Port: the offering search index (Lucene.Net embedded, Elasticsearch in production). Derived data.</summary>
public interface IOfferingIndex
{
    /// <summary>
    /// Creates the index (mapping/analysers) if missing; safe to call on every start. True when the index is new or was
    /// written with another schema (mapping, synonyms, kept words): it holds nothing current, and the host rebuilds it
    /// from the store.
    /// </summary>
    Task<bool> InitializeAsync(CancellationToken ct = default);

    Task<bool> IsHealthyAsync(CancellationToken ct = default);

    /// <summary>Idempotent, versioned upsert: a document older than the indexed one is ignored.</summary>
    Task UpsertAsync(OfferingDocument document, CancellationToken ct = default);

    /// <summary>
    /// <see cref="UpsertAsync"/> for many documents (distinct offerings) at once: one commit (Lucene) or one bulk request
    /// (Elasticsearch) instead of one each, for the projection's large batches (a provider's offerings, every offering after a
    /// district changed). The default applies them one by one.
    /// </summary>
    async Task UpsertManyAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct = default)
    {
        foreach (var document in documents) await UpsertAsync(document, ct);
    }

    /// <summary>Removes an offering (unpublished, paused, provider suspended); removing a missing one is not an error.
    /// <paramref name="version"/> is the outbox cursor that decided the removal: an adapter that can be written by several
    /// instances keeps it as a tombstone, so an older upsert arriving late cannot bring the offering back.</summary>
    Task RemoveAsync(Guid offeringId, long version, CancellationToken ct = default);

    Task<SearchResult> SearchAsync(OfferingQuery query, CancellationToken ct = default);

    /// <summary>Builds a fresh index from <paramref name="documents"/> and swaps it in atomically; searches keep working meanwhile.</summary>
    Task<long> RebuildAsync(IAsyncEnumerable<OfferingDocument> documents, CancellationToken ct = default) => RebuildAsync(documents, null, ct);

    /// <summary><see cref="RebuildAsync(IAsyncEnumerable{OfferingDocument}, CancellationToken)"/>, recording in the new index,
    /// before it is swapped in, the store epoch its documents come from (<see cref="GetWatermarkAsync"/>).</summary>
    Task<long> RebuildAsync(IAsyncEnumerable<OfferingDocument> documents, string? storeEpoch, CancellationToken ct = default);

    /// <summary>The store history the live index reflects: the epoch its last rebuild recorded and the highest cursor written since.</summary>
    Task<IndexWatermark> GetWatermarkAsync(CancellationToken ct = default);

    /// <summary>Every offering the live index serves (removal markers left out), in no particular order: for verification.</summary>
    IAsyncEnumerable<IndexedOffering> ListAsync(CancellationToken ct = default);
}

/// <summary>Synonym groups applied by every index adapter at index and query time (e.g. 编程 ⇔ 程序设计).</summary>
public sealed class SearchSynonyms
{
    public IReadOnlyList<IReadOnlyList<string>> Groups { get; init; } = Default;

    public static IReadOnlyList<IReadOnlyList<string>> Default { get; } =
    [
        ["编程", "程序设计"],
        ["非遗", "非物质文化遗产"],
        ["机器人", "机械人"],
        ["无人机", "航拍飞行器"],
        ["书法", "写字"],
    ];
}

/// <summary>
/// Domain words the Chinese segmenter must keep whole. SmartCn's dictionary lacks many words of after-school provision:
/// it splits 非遗 into 非 + 遗 (so 非遗 would match any text holding both characters) and 非遗传承 into 非 + 遗传 + 承
/// (so 非遗 would not find it at all). The embedded (Lucene) index keeps them as one token at index and query time; the
/// Elasticsearch index, whose smartcn has no user dictionary, matches a listed word in a query as a phrase of character bigrams.
/// </summary>
public sealed class SearchWords
{
    public IReadOnlyList<string> Words { get; init; } = Default;

    /// <summary>Words SmartCn splits into single characters that then pair wrongly with their neighbours.</summary>
    public static IReadOnlyList<string> Default { get; } =
    [
        "非遗", "研学", "科创", "创客", "船模", "车模", "绘本", "国画", "竹笛", "管乐", "葫芦丝", "尤克里里", "街舞", "啦啦操",
        "轮滑", "攀岩", "乐高", "动漫", "农耕", "课本剧", "物联网", "五育", "双减",
    ];
}
