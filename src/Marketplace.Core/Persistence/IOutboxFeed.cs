namespace Marketplace.Core.Persistence;

/// <summary>
/// Port: the outbox as a feed. Events are written by <see cref="IMarketplaceStore.CommitAsync"/> in the same transaction
/// as the change they describe; this reads them back in cursor order and keeps each consumer's checkpoint.
/// </summary>
public interface IOutboxFeed
{
    /// <summary>Events after <paramref name="afterCursor"/> in cursor order, optionally only those addressed to one of
    /// <paramref name="audiences"/>.</summary>
    Task<IReadOnlyList<OutboxMessage>> ReadEventsAsync(long afterCursor, IReadOnlyCollection<string>? audiences, int limit, CancellationToken ct = default);

    /// <summary>The cursor of the newest event in the outbox (0 when empty).</summary>
    Task<long> GetLatestCursorAsync(CancellationToken ct = default);

    Task<long> GetCheckpointAsync(string consumer, CancellationToken ct = default);

    /// <summary>Puts a checkpoint at exactly <paramref name="cursor"/>, backwards too: after an index rebuild from a snapshot
    /// at that cursor, every later event must be applied again to the new index.</summary>
    Task ResetCheckpointAsync(string consumer, long cursor, CancellationToken ct = default);

    /// <summary>Compare-and-set: moves the checkpoint from <paramref name="expected"/> to <paramref name="next"/>, or returns
    /// false when another instance moved it first (a missing checkpoint counts as 0). Lets one of several instances claim a batch.</summary>
    Task<bool> TryAdvanceCheckpointAsync(string consumer, long expected, long next, CancellationToken ct = default);
}

/// <summary>
/// Told by the store adapters after every commit that carried outbox events, so consumers need not wait for their next poll.
/// Store adapters take all registered observers; an observer must return at once and never throw.
/// </summary>
public interface ICommitObserver
{
    void EventsCommitted();
}
