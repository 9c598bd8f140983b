using Marketplace.Core.Persistence;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Marketplace.Storage.Mongo;

/// <summary>The store's epoch: one document in <see cref="MongoSchema.Meta"/>, created with the store, replaced by <c>mark-restored</c>.</summary>
internal sealed partial class MongoMarketplaceStore : IStoreEpoch
{
    public async Task<string> GetEpochAsync(CancellationToken ct = default)
    {
        var document = await _database.GetCollection<BsonDocument>(MongoSchema.Meta).Find(MongoRequests.EpochFilter).FirstOrDefaultAsync(ct);
        return document?["value"].AsString ?? throw new InvalidOperationException("The store has no epoch: it was not initialised.");
    }

    public async Task<string> MarkRestoredAsync(CancellationToken ct = default)
    {
        var epoch = Guid.NewGuid().ToString("N");
        await _database.GetCollection<BsonDocument>(MongoSchema.Meta).UpdateOneAsync(
            MongoRequests.EpochFilter, MongoRequests.EpochRestored(epoch), new UpdateOptions { IsUpsert = true }, ct);
        return epoch;
    }
}
