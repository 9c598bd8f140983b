namespace Marketplace.Core.Persistence;

/// <summary>
/// Port: which history the store holds. The epoch is a random id written when the store is created and replaced by every
/// restore path (<c>restore</c>, <c>mark-restored</c>). Outbox cursors are only comparable within one epoch: a restored
/// backup hands out again the cursors of the events it lost, so the search index records the epoch it was built from and
/// is rebuilt when the store's differs.
/// </summary>
public interface IStoreEpoch
{
    Task<string> GetEpochAsync(CancellationToken ct = default);

    /// <summary>Writes a new random epoch (after the store's content was replaced by a backup) and returns it.</summary>
    Task<string> MarkRestoredAsync(CancellationToken ct = default);
}
