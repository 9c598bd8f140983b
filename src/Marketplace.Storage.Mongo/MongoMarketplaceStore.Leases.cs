using Marketplace.Core.Persistence;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Marketplace.Storage.Mongo;

/// <summary>Leases: one document per name, taken by a conditional upsert (<see cref="MongoRequests.LeaseFilter"/>).</summary>
internal sealed partial class MongoMarketplaceStore : ILeases
{
    public async Task<bool> TryAcquireAsync(string name, string holder, DateTimeOffset now, TimeSpan duration, CancellationToken ct = default)
    {
        try
        {
            var result = await Leases.UpdateOneAsync(MongoRequests.LeaseFilter(name, holder, now), MongoRequests.LeaseUpdate(holder, now + duration),
                new UpdateOptions { IsUpsert = true }, ct);
            return result.MatchedCount == 1 || result.UpsertedId is not null;
        }
        catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            return false; // held by another instance and not run out: the filter missed, and the insert met its _id
        }
    }

    public Task ReleaseAsync(string name, string holder, CancellationToken ct = default) =>
        Leases.DeleteOneAsync(MongoRequests.LeaseHeldBy(name, holder), ct);

    private IMongoCollection<BsonDocument> Leases => _database.GetCollection<BsonDocument>(MongoSchema.Leases);
}
