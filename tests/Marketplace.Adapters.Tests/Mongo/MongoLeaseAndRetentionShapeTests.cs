using Marketplace.Core.Persistence;
using Marketplace.Storage.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace Marketplace.Adapters.Tests.Mongo;

/// <summary>What the driver would send for leases, checkpoint moves, the outbox counter and retention; no server needed.</summary>
public sealed class MongoLeaseAndRetentionShapeTests
{
    private static readonly DateTimeOffset Now = new(2026, 9, 1, 7, 40, 0, TimeSpan.Zero);

    private static readonly RenderArgs<BsonDocument> Args =
        new(BsonSerializer.SerializerRegistry.GetSerializer<BsonDocument>(), BsonSerializer.SerializerRegistry);

    [Fact]
    public void Lease_IsTakenOnlyByItsHolderOrOnceItRanOut_AsDates()
    {
        var filter = MongoRequests.LeaseFilter("rebuild:index", "api-1", Now).Render(Args);
        var update = MongoRequests.LeaseUpdate("api-1", Now.AddSeconds(30)).Render(Args);

        Assert.Equal(BsonDocument.Parse("""
            { "_id": "rebuild:index",
              "$or": [ { "holder": "api-1" }, { "expiresAt": { "$lte": { "$date": "2026-09-01T07:40:00Z" } } } ] }
            """), filter);
        Assert.Equal(BsonDocument.Parse("""{ "$set": { "holder": "api-1", "expiresAt": { "$date": "2026-09-01T07:40:30Z" } } }"""), update);
    }

    [Fact]
    public void Lease_IsReleasedOnlyByItsHolder()
    {
        var filter = MongoRequests.LeaseHeldBy("rebuild:index", "api-1").Render(Args);

        Assert.Equal(BsonDocument.Parse("""{ "_id": "rebuild:index", "holder": "api-1" }"""), filter);
    }

    [Fact]
    public void CheckpointMove_RecordsWhenItMovedOnTheServersClock()
    {
        var update = MongoRequests.MoveCheckpointUpdate(~7L).Render(Args);

        Assert.Equal(BsonDocument.Parse("""{ "$set": { "cursor": { "$numberLong": "-8" } }, "$currentDate": { "updatedAt": true } }"""), update);
    }

    [Fact]
    public void OutboxCounter_IsOneDocumentIncrementedByTheNumberOfEvents()
    {
        Assert.Equal(BsonDocument.Parse("""{ "_id": "outbox" }"""), MongoRequests.OutboxCounterFilter.Render(Args));
        Assert.Equal(BsonDocument.Parse("""{ "$inc": { "seq": { "$numberLong": "3" } } }"""), MongoRequests.OutboxCounterUpdate(3).Render(Args));
    }

    [Fact]
    public void Retention_CountsOnlyCheckpointsThatMovedSinceTheCutoff_AndDeletesOldEventsBelowTheBound()
    {
        var active = MongoRequests.CheckpointsMovedSince(Now).Render(Args);
        var prunable = MongoRequests.PrunableEvents(41, Now).Render(Args);

        Assert.Equal(BsonDocument.Parse("""{ "updatedAt": { "$gte": { "$date": "2026-09-01T07:40:00Z" } } }"""), active);
        Assert.Equal(BsonDocument.Parse("""{ "cursor": { "$lte": { "$numberLong": "41" } }, "at": { "$lt": "2026-09-01T07:40:00+00:00" } }"""), prunable);
    }

    [Fact]
    public void Idempotency_RecordCarriesTheDateItExpires_AndReadsBackWithoutIt()
    {
        var record = new IdempotencyRecord("bookings:school-1", "key-1", "hash", Guid.NewGuid(), """{"id":"x"}""", Now);

        var document = IdempotencyDocuments.ToBson(record, TimeSpan.FromDays(7));

        Assert.Equal("bookings:school-1|key-1", document["_id"].AsString);
        Assert.Equal(new BsonDateTime(new DateTime(2026, 9, 8, 7, 40, 0, DateTimeKind.Utc)), document["expiresAt"]);
        Assert.Equal(record, IdempotencyDocuments.FromBson(document));
        Assert.True(document.Contains("expiresAt"), "reading it back leaves the stored document alone");
    }

    /// <summary>expireAfterSeconds 0 on a date field: deleted once that date has passed (MongoDB manual, "Expire Documents at a
    /// Specific Clock Time").</summary>
    [Fact]
    public void Idempotency_TtlIndexExpiresEachRecordAtItsOwnDate()
    {
        var model = MongoSchema.IdempotencyExpiry;

        Assert.Equal(BsonDocument.Parse("""{ "expiresAt": 1 }"""), model.Keys.Render(Args));
        Assert.Equal(TimeSpan.Zero, model.Options.ExpireAfter);
        Assert.Equal("ttl_expiresAt", model.Options.Name);
    }
}
