using Marketplace.Core.Families.RollCall;
using Marketplace.Core.Shared;
using Marketplace.Storage.Mongo;
using MongoDB.Bson;

namespace Marketplace.Adapters.Tests.Mongo;

/// <summary>What the Mongo store sends for roll calls (issue 18), and that an index serves each; no server needed.</summary>
public sealed class MongoRollCallQueryShapeTests
{
    private static IndexSpec Index(string name) => Assert.Single(MongoSchema.IndexSpecs, i => i.Collection == "roll_calls" && i.Name == name);

    [Fact]
    public void PupilsRolls_AndTheParticipationPipeline_NameTheStoredFields_AndAnIndexServesEach()
    {
        var pupil = Ids.New();
        Assert.Equal(BsonDocument.Parse($$"""{ "marks.pupilId": "{{pupil}}" }"""), RollCallQuery.OfPupil(pupil));
        Assert.Equal(BsonDocument.Parse("""{ "marks.pupilId": 1, "sessionStartsAt": -1 }"""), Index("ix_marks_pupil").Keys);
        Assert.Equal(BsonDocument.Parse("""{ "sessionStartsAt": -1, "_id": 1 }"""), RollCallQuery.LatestSessionFirst);

        var from = new DateTimeOffset(2026, 9, 1, 8, 0, 0, TimeSpan.FromHours(8));
        var pipeline = RollCallQuery.PresentPupils(["110101"], from, from.AddMonths(5));
        Assert.Equal(BsonDocument.Parse("""
            { "$match": { "districtCode": { "$in": ["110101"] },
                          "sessionStartsAt": { "$gte": "2026-09-01T00:00:00+00:00", "$lt": "2027-02-01T00:00:00+00:00" } } }
            """), pipeline[0]);
        Assert.Equal(BsonDocument.Parse("""{ "$unwind": "$presentPupilIds" }"""), pipeline[1]);
        Assert.Equal(BsonDocument.Parse("""{ "$group": { "_id": { "school": "$schoolId", "district": "$districtCode", "pupil": "$presentPupilIds" } } }"""), pipeline[2]);
        Assert.Equal(BsonDocument.Parse("""{ "$group": { "_id": { "school": "$_id.school", "district": "$_id.district" }, "pupils": { "$sum": 1 } } }"""), pipeline[3]);
        Assert.Equal(BsonDocument.Parse("""{ "districtCode": 1, "sessionStartsAt": 1 }"""), Index("ix_district_startsAt").Keys);
    }

    /// <summary>The stored roll carries the fields the filters and the pipeline name, times as UTC text (StoreJson).</summary>
    [Fact]
    public void StoredRoll_HasTheQueriedFields()
    {
        var (pupil, absent) = (Ids.New(), Ids.New());
        var startsAt = new DateTimeOffset(2026, 9, 1, 16, 0, 0, TimeSpan.FromHours(8));
        var roll = Roll.For(Ids.New(), Ids.New(), Ids.New(), "110101", startsAt, startsAt);
        roll.Mark([(pupil, true), (absent, false)], startsAt, "Provider:t", Roll.ProviderSide);
        var stored = StoredDocuments.ToBson(roll);
        Assert.Equal((roll.SchoolId.ToString(), "110101", "2026-09-01T08:00:00+00:00", pupil.ToString()),
            (stored["schoolId"].AsString, stored["districtCode"].AsString, stored["sessionStartsAt"].AsString, stored["presentPupilIds"][0].AsString));
        Assert.Equal(2, stored["marks"].AsBsonArray.Count(m => m["pupilId"].AsString == pupil.ToString() || m["pupilId"].AsString == absent.ToString()));
    }
}
