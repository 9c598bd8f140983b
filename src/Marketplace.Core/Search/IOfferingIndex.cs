namespace Marketplace.Core.Search;

/// <summary>Port: the offering search index (Lucene.Net embedded, Elasticsearch in production). Derived data.</summary>
public interface IOfferingIndex
{
    /// <summary>Creates the index (mapping/analysers) if missing; safe to call on every start.</summary>
    Task InitializeAsync(CancellationToken ct = default);

    Task<bool> IsHealthyAsync(CancellationToken ct = default);

    /// <summary>Idempotent, versioned upsert: a document older than the indexed one is ignored.</summary>
    Task UpsertAsync(OfferingDocument document, CancellationToken ct = default);

    /// <summary>Removes an offering (unpublished, paused, provider suspended); removing a missing one is not an error.
    /// <paramref name="version"/> is the outbox cursor that decided the removal: an adapter that can be written by several
    /// instances keeps it as a tombstone, so an older upsert arriving late cannot bring the offering back.</summary>
    Task RemoveAsync(Guid offeringId, long version, CancellationToken ct = default);

    Task<SearchResult> SearchAsync(OfferingQuery query, CancellationToken ct = default);

    /// <summary>Builds a fresh index from <paramref name="documents"/> and swaps it in atomically; searches keep working meanwhile.</summary>
    Task<long> RebuildAsync(IAsyncEnumerable<OfferingDocument> documents, CancellationToken ct = default);
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
