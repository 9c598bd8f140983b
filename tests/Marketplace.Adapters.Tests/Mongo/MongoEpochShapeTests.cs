using Marketplace.Storage.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace Marketplace.Adapters.Tests.Mongo;

/// <summary>The store epoch's document (issue 17) as the driver would send it; no server needed.</summary>
public sealed class MongoEpochShapeTests
{
    private static readonly RenderArgs<BsonDocument> Args =
        new(BsonSerializer.SerializerRegistry.GetSerializer<BsonDocument>(), BsonSerializer.SerializerRegistry);

    [Fact]
    public void TheEpoch_IsSetOnlyWhenItsDocumentIsCreated_AndReplacedByARestore()
    {
        Assert.Equal(BsonDocument.Parse("""{ "_id": "epoch" }"""), MongoRequests.EpochFilter.Render(Args));
        // Upserted at every start: $setOnInsert leaves an existing epoch alone, so only a new store gets one.
        Assert.Equal(BsonDocument.Parse("""{ "$setOnInsert": { "value": "e1" } }"""), MongoRequests.EpochOnCreate("e1").Render(Args));
        Assert.Equal(BsonDocument.Parse("""{ "$set": { "value": "e2" }, "$currentDate": { "restoredAt": true } }"""), MongoRequests.EpochRestored("e2").Render(Args));
        Assert.Equal("meta", MongoSchema.Meta);
    }
}
