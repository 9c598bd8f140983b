using Marketplace.Storage.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace Marketplace.Adapters.Tests.Mongo;

/// <summary>What the driver would send for the conditional writes that carry the store's guarantees; no server needed.</summary>
public sealed class MongoRequestShapeTests
{
    private static readonly Guid SessionId = Guid.Parse("0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b");

    private static readonly RenderArgs<BsonDocument> Args =
        new(BsonSerializer.SerializerRegistry.GetSerializer<BsonDocument>(), BsonSerializer.SerializerRegistry);

    [Fact]
    public void ReserveSeats_MatchesOnlyAScheduledSessionWithRoomLeft()
    {
        var filter = MongoRequests.ReserveSeatsFilter(SessionId, 3).Render(Args);

        Assert.Equal(BsonDocument.Parse("""
            { "_id": "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b", "status": "Scheduled",
              "$expr": { "$lte": [ { "$add": [ "$reserved", 3 ] }, "$capacity" ] } }
            """), filter);
    }

    [Fact]
    public void ReserveSeats_IncrementsReservedAndVersionInTheSameUpdate()
    {
        var update = MongoRequests.ChangeSeatsUpdate(3).Render(Args);

        Assert.Equal(BsonDocument.Parse("""{ "$inc": { "reserved": 3, "version": 1 } }"""), update);
    }

    [Fact]
    public void ReleaseSeats_NeverTakesReservedBelowZero()
    {
        var filter = MongoRequests.ReleaseSeatsFilter(SessionId, 2).Render(Args);
        var update = MongoRequests.ChangeSeatsUpdate(-2).Render(Args);

        Assert.Equal(BsonDocument.Parse("""{ "_id": "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b", "reserved": { "$gte": 2 } }"""), filter);
        Assert.Equal(BsonDocument.Parse("""{ "$inc": { "reserved": -2, "version": 1 } }"""), update);
    }

    [Fact]
    public void VersionedReplace_MatchesTheExpectedVersionOnly()
    {
        var filter = MongoRequests.VersionedFilter(SessionId, 7).Render(Args);

        Assert.Equal(new BsonDocument { { "_id", "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b" }, { "version", 7L } }, filter);
    }

    [Fact]
    public void EventFeed_FiltersByCursorAndAudience()
    {
        var filter = MongoRequests.EventsFilter(41, ["public", "school:1"]).Render(Args);

        Assert.Equal(BsonDocument.Parse("""{ "cursor": { "$gt": { "$numberLong": "41" } }, "audiences": { "$in": [ "public", "school:1" ] } }"""), filter);
    }

    [Fact]
    public void EventFeed_WithoutAudiences_ReadsEverythingAfterTheCursor()
    {
        var filter = MongoRequests.EventsFilter(0, null).Render(Args);

        Assert.Equal(BsonDocument.Parse("""{ "cursor": { "$gt": { "$numberLong": "0" } } }"""), filter);
    }
}
