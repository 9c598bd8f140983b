using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Marketplace.Storage.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace Marketplace.Adapters.Tests.Mongo;

/// <summary>What the Mongo store sends for the selection window (issue 18): the first-come take is one conditional update, and an index serves each list.</summary>
public sealed class MongoSelectionShapeTests
{
    private static BsonDocument Render(FilterDefinition<BsonDocument> filter) =>
        filter.Render(new RenderArgs<BsonDocument>(BsonSerializer.SerializerRegistry.GetSerializer<BsonDocument>(), BsonSerializer.SerializerRegistry));

    [Fact]
    public void TakeSelectionSeats_IsOneConditionalIncrement()
    {
        var id = Ids.New();
        Assert.Equal(BsonDocument.Parse($$"""{ "_id": "{{id}}", "$expr": { "$lte": [ { "$add": [ "$taken", 1 ] }, "$capacity" ] } }"""),
            Render(MongoRequests.TakeSelectionSeatsFilter(id, 1)));
        Assert.Equal(BsonDocument.Parse($$"""{ "_id": "{{id}}", "taken": { "$gte": 2 } }"""), Render(MongoRequests.ReturnSelectionSeatsFilter(id, 2)));
        var args = new RenderArgs<BsonDocument>(BsonSerializer.SerializerRegistry.GetSerializer<BsonDocument>(), BsonSerializer.SerializerRegistry);
        Assert.Equal(BsonDocument.Parse("""{ "$inc": { "taken": 1, "version": 1 } }"""), MongoRequests.ChangeSelectionSeatsUpdate(1).Render(args));
    }

    [Fact]
    public void SelectionLists_NameTheStoredFields_AndAnIndexServesEach()
    {
        var (window, pupil) = (Ids.New(), Ids.New());
        Assert.Equal(BsonDocument.Parse($$"""{ "windowId": "{{window}}", "grade": 3, "className": "1班" }"""),
            FamilyQuery.SelectionApplications(new SelectionApplicationFilter(WindowId: window, Grade: 3, ClassName: "1班")));
        Assert.Equal(BsonDocument.Parse($$"""{ "pupilId": "{{pupil}}" }"""), FamilyQuery.SelectionApplications(new SelectionApplicationFilter(PupilId: pupil)));
        IndexSpec Index(string collection, string name) => Assert.Single(MongoSchema.IndexSpecs, i => i.Collection == collection && i.Name == name);
        Assert.Equal(BsonDocument.Parse("""{ "windowId": 1, "grade": 1, "className": 1, "_id": 1 }"""), Index("selection_applications", "ix_window_class").Keys);
        Assert.Equal(BsonDocument.Parse("""{ "pupilId": 1, "_id": 1 }"""), Index("selection_applications", "ix_pupil").Keys);
        Assert.Equal(BsonDocument.Parse("""{ "schoolId": 1, "_id": -1 }"""), Index("selection_windows", "ix_school").Keys);
    }

    [Fact]
    public void WaitingAhead_IsOneCountOverTheQueueIndex_ByStoredTimeAndPupilId()
    {
        var (window, programme, pupil) = (Ids.New(), Ids.New(), Ids.New());
        var at = new DateTimeOffset(2026, 9, 1, 15, 40, 0, 125, TimeSpan.FromHours(8)); // stored as UTC
        Assert.Equal(BsonDocument.Parse($$"""
            { "windowId": "{{window}}", "submittedAt": { "$lte": "2026-09-01T07:40:00.125+00:00" },
              "$or": [ { "submittedAt": { "$lt": "2026-09-01T07:40:00.125+00:00" } }, { "pupilId": { "$lt": "{{pupil}}" } } ],
              "status": { "$nin": [ "Rejected", "Withdrawn" ] }, "choices": "{{programme}}", "placements.programmeId": { "$ne": "{{programme}}" },
              "grade": { "$in": [ 3, 4 ] } }
            """), FamilyQuery.WaitingAhead(window, programme, at, pupil, [3, 4]));
        Assert.False(FamilyQuery.WaitingAhead(window, programme, at, pupil, null).Contains("grade")); // every grade
        Assert.Equal(BsonDocument.Parse("""{ "windowId": 1, "submittedAt": 1, "pupilId": 1 }"""),
            Assert.Single(MongoSchema.IndexSpecs, i => i.Collection == "selection_applications" && i.Name == "ix_window_queue").Keys);
    }
}
