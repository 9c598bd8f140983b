namespace Marketplace.Core.Persistence;

/// <summary>
/// Port: forgets what the store no longer needs, so the outbox and the idempotency records do not grow forever.
/// Run periodically; safe to run on several instances at once.
/// </summary>
public interface IStoreRetention
{
    /// <summary>
    /// Deletes outbox events older than <see cref="RetentionCutoffs.EventsBefore"/> that every active consumer has read —
    /// at or below every checkpoint that moved since that cutoff (a checkpoint that has not moved for the whole retention
    /// period belongs to a consumer that is gone, and no longer holds events back) — never the newest event, whose cursor
    /// the feed reports; and idempotency records created before <see cref="RetentionCutoffs.IdempotencyBefore"/> (a store
    /// that expires them by itself, MongoDB with its TTL index, leaves that to the server).
    /// </summary>
    Task<RetentionResult> PruneAsync(RetentionCutoffs cutoffs, CancellationToken ct = default);
}

public sealed record RetentionCutoffs(DateTimeOffset EventsBefore, DateTimeOffset IdempotencyBefore);

public sealed record RetentionResult(long EventsDeleted, long IdempotencyRecordsDeleted);
