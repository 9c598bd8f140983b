using Marketplace.Core.Persistence;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Marketplace.Storage.Mongo;

/// <summary>
/// Retention of the outbox. Not a TTL index: a TTL deletes by age alone, also events a lagging consumer has still to read
/// (an index that was unreachable catches up from its checkpoint). Idempotency records need no such care: their TTL index
/// (<see cref="IdempotencyDocuments.ExpiresAt"/>) lets the server delete them, so this leaves them alone.
/// </summary>
internal sealed partial class MongoMarketplaceStore : IStoreRetention
{
    public async Task<RetentionResult> PruneAsync(RetentionCutoffs cutoffs, CancellationToken ct = default)
    {
        var latest = await GetLatestCursorAsync(ct);
        var active = await _database.GetCollection<BsonDocument>(MongoSchema.Checkpoints)
            .Find(MongoRequests.CheckpointsMovedSince(cutoffs.EventsBefore)).ToListAsync(ct);
        // A negative checkpoint is an index rebuild's reset, stored complemented.
        var bound = active.Select(c => c["cursor"].ToInt64()).Select(c => c < 0 ? ~c : c).Append(latest - 1).Min();
        if (bound <= 0) return new RetentionResult(0, 0);
        var deleted = await _database.GetCollection<BsonDocument>(MongoSchema.Outbox)
            .DeleteManyAsync(MongoRequests.PrunableEvents(bound, cutoffs.EventsBefore), ct);
        return new RetentionResult(deleted.DeletedCount, 0);
    }
}
