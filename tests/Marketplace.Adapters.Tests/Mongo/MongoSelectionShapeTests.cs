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
    public void WaitingAhead_IsOneCountOverTheQueueIndexAlone_ByStoredTimeThenPupilId()
    {
        var (window, programme, pupil) = (Ids.New(), Ids.New(), Ids.New());
        var at = new DateTimeOffset(2026, 9, 1, 15, 40, 0, 125, TimeSpan.FromHours(8)); // stored as UTC
        var ahead = SelectionQueue.Ahead(window, programme, at, pupil, [4, 3, 4]);
        Assert.Equal(BsonDocument.Parse($$"""
            { "windowId": "{{window}}", "programmeId": "{{programme}}", "grade": { "$in": [ 3, 4 ] },
              "queueKey": { "$lt": "2026-09-01T07:40:00.125+00:00|{{pupil}}" } }
            """), ahead);
        Assert.False(SelectionQueue.Ahead(window, programme, at, pupil, null).Contains("grade")); // every grade
        // Every condition is on a field of one index, in its order: the server counts index keys and reads no document.
        var index = Assert.Single(MongoSchema.IndexSpecs, i => i.Collection == "selection_queue" && i.Name == "ix_window_programme_key");
        Assert.Equal(BsonDocument.Parse("""{ "windowId": 1, "programmeId": 1, "grade": 1, "queueKey": 1 }"""), index.Keys);
        Assert.Equal(index.Keys.Names, ahead.Names);
        Assert.DoesNotContain(MongoSchema.IndexSpecs, i => i.Collection == "selection_applications" && i.Name == "ix_window_queue");
    }

    [Fact]
    public void QueueRows_AreTheLiveApplicationsProgrammesNotHeld_InFirstComeOrder()
    {
        var (school, p1, p2, p3) = (Ids.New(), Ids.New(), Ids.New(), Ids.New());
        var window = Marketplace.Core.Families.Selection.SelectionWindow.Open(school, "110101", "2026-2027-1", "秋季选课", MongoSamples.Now.AddDays(-1),
            MongoSamples.Now.AddDays(3), Marketplace.Core.Families.Allocation.AllocationMode.FirstCome, 2, new Dictionary<string, int>(), [], "t1", false, [],
            null, MongoSamples.Now, "School:school1");
        var guardian = Marketplace.Core.Identity.User.InvitedGuardian("13700009999", "家长", Marketplace.Core.Identity.ActivationCode.Hash("X"), MongoSamples.Now);
        var pupil = Marketplace.Core.Families.Pupil.Create(school, "110101", "学生", 4, "1班", guardian.Id, guardian.Phone!, false, MongoSamples.Now);
        var a = Marketplace.Core.Families.Selection.SelectionApplication.Submit(window, pupil, guardian.Id, [p1, p2, p3], "t1", false, MongoSamples.Now, "g");
        a.Place([new Marketplace.Core.Families.Selection.ApplicationPlacement(p2, 2, MongoSamples.Now)]);
        var rows = SelectionQueue.Rows(a);
        var key = $"2026-09-01T07:40:00.123+00:00|{pupil.Id}";
        Assert.Equal([BsonDocument.Parse($$"""
            { "_id": "{{a.Id}}:{{p1}}", "applicationId": "{{a.Id}}", "windowId": "{{window.Id}}", "programmeId": "{{p1}}", "grade": 4, "queueKey": "{{key}}" }
            """), BsonDocument.Parse($$"""
            { "_id": "{{a.Id}}:{{p3}}", "applicationId": "{{a.Id}}", "windowId": "{{window.Id}}", "programmeId": "{{p3}}", "grade": 4, "queueKey": "{{key}}" }
            """)], rows);
        // The key is what the count compares: the stored application's own submittedAt and pupil id, joined.
        var stored = StoredDocuments.ToBson(a);
        Assert.Equal($"{stored["submittedAt"].AsString}|{stored["pupilId"].AsString}", rows[0]["queueKey"].AsString);
        Assert.Equal(BsonDocument.Parse($$"""{ "applicationId": "{{a.Id}}" }"""), SelectionQueue.OfApplication(a.Id));
        a.Withdraw(MongoSamples.Now, "g");
        Assert.Empty(SelectionQueue.Rows(a));
        // Applications stored before the queue: built once by the server, rows written by commits meanwhile kept.
        Assert.Equal(BsonDocument.Parse("""{ "$merge": { "into": "selection_queue", "on": "_id", "whenMatched": "keepExisting", "whenNotMatched": "insert" } }"""),
            SelectionQueue.Backfill[^1]);
        Assert.Equal(BsonDocument.Parse("""
            { "$project": { "_id": { "$concat": [ "$_id", ":", "$choices" ] }, "applicationId": "$_id", "windowId": 1,
              "programmeId": "$choices", "grade": 1, "queueKey": { "$concat": [ "$submittedAt", "|", "$pupilId" ] } } }
            """), SelectionQueue.Backfill[^2]);
    }

    [Fact]
    public void PupilActivity_AsksTheSchoolsWindowsThePupilsPlacementsAndTheirRolls_ByIndex()
    {
        var (school, window) = (Ids.New(), Ids.New());
        var (a, b) = (Ids.New(), Ids.New());
        var filter = new PupilActivityFilter(school, "2026-2027-1", window, [a, b, a], MongoSamples.Now, MongoSamples.Now.AddDays(150));
        Assert.Equal(BsonDocument.Parse($$"""{ "schoolId": "{{school}}", "semester": "2026-2027-1", "_id": { "$ne": "{{window}}" } }"""),
            ActivityQuery.OtherWindows(filter));
        Assert.Equal(BsonDocument.Parse($$"""
            { "pupilId": { "$in": [ "{{a}}", "{{b}}" ] }, "windowId": { "$in": [ "w1" ] }, "status": { "$nin": [ "Rejected", "Withdrawn" ] },
              "placements.0": { "$exists": true } }
            """), ActivityQuery.PlacedApplications(filter, ["w1"]));
        Assert.Equal(BsonDocument.Parse($$"""
            { "marks.pupilId": { "$in": [ "{{a}}", "{{b}}" ] },
              "sessionStartsAt": { "$gte": "2026-09-01T07:40:00.123+00:00", "$lt": "2027-01-29T07:40:00.123+00:00" },
              "presentPupilIds": { "$in": [ "{{a}}", "{{b}}" ] } }
            """), ActivityQuery.PresentRolls(filter));
        Assert.Equal(BsonDocument.Parse("""{ "_id": 0, "presentPupilIds": 1 }"""), ActivityQuery.PresentOnly);
        IndexSpec Index(string collection, string name) => Assert.Single(MongoSchema.IndexSpecs, i => i.Collection == collection && i.Name == name);
        Assert.Equal("schoolId", Index("selection_windows", "ix_school").Keys.Names.First());
        Assert.Equal("pupilId", Index("selection_applications", "ix_pupil").Keys.Names.First());
        Assert.Equal(BsonDocument.Parse("""{ "marks.pupilId": 1, "sessionStartsAt": -1 }"""), Index("roll_calls", "ix_marks_pupil").Keys);
    }
}
