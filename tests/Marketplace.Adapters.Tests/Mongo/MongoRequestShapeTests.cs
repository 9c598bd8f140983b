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

    /// <summary>
    /// Providers stored before the per-district white list get, once, an entry per district in their old status with their old
    /// decisions, and their first district as home: an update pipeline (server-side, one request), named as the Provider
    /// document names those fields, so the store's queries over approvals find them.
    /// </summary>
    [Fact]
    public void ProviderUpgrade_BuildsEntriesFromDistricts_OnlyWhereThereAreNone()
    {
        var filter = MongoRequests.ProvidersWithoutApprovals.Render(Args);
        var update = MongoRequests.ApprovalsFromDistricts.Render(Args);

        Assert.Equal(BsonDocument.Parse("""{ "approvals": { "$exists": false } }"""), filter);
        Assert.Equal(BsonArray.Create(new[] { BsonDocument.Parse("""
            { "$set": {
                "approvals": { "$map": { "input": "$districts", "as": "d", "in": { "district": "$$d", "status": "$status", "decisions": "$decisions" } } },
                "homeDistrict": { "$arrayElemAt": [ "$districts", 0 ] } } }
            """) }), update);

        var stored = BsonDocument.Parse(Marketplace.Core.Persistence.StoreJson.Serialize(Marketplace.Core.Catalog.Provider.Register(
            "x", Marketplace.Core.Catalog.ProviderKind.Library, "91110000802100433B", "王", "13800000000", ["110105"], DateTimeOffset.UnixEpoch)));
        Assert.Equal("110105", stored["homeDistrict"].AsString);
        Assert.Equal(["district", "status", "decisions"], stored["approvals"][0].AsBsonDocument.Names);
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
