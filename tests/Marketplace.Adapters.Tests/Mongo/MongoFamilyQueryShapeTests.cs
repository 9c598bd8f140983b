using Marketplace.Core.Families;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Marketplace.Storage.Mongo;
using MongoDB.Bson;

namespace Marketplace.Adapters.Tests.Mongo;

/// <summary>What the Mongo store sends for the families' queries (issue 18), and that an index serves each; no server needed.</summary>
public sealed class MongoFamilyQueryShapeTests
{
    private static IndexSpec Index(string name) => Assert.Single(MongoSchema.IndexSpecs, i => i.Collection == "pupils" && i.Name == name);

    [Fact]
    public void PupilFilters_NameTheStoredFields_AndAnIndexServesEach()
    {
        var school = Ids.New();
        var guardian = Ids.New();
        Assert.Equal(BsonDocument.Parse($$"""{ "schoolId": "{{school}}", "grade": 3, "className": "2班" }"""),
            FamilyQuery.Pupils(new PupilFilter(SchoolId: school, Grade: 3, ClassName: "2班")));
        Assert.Equal(BsonDocument.Parse($$"""{ "guardianIds": "{{guardian}}" }"""), FamilyQuery.Pupils(new PupilFilter(GuardianId: guardian)));
        Assert.Equal(BsonDocument.Parse("""{ "rosteredAt": { "$lt": "2026-01-01T00:00:00+00:00" } }"""),
            FamilyQuery.Pupils(new PupilFilter(RosteredBefore: new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.FromHours(8)))));

        // Equality first, then the _id the page sorts by.
        Assert.Equal(BsonDocument.Parse("""{ "schoolId": 1, "_id": 1 }"""), Index("ix_school").Keys);
        Assert.Equal(BsonDocument.Parse("""{ "schoolId": 1, "grade": 1, "className": 1, "_id": 1 }"""), Index("ix_school_class").Keys);
        Assert.Equal(BsonDocument.Parse("""{ "guardianIds": 1, "_id": 1 }"""), Index("ix_guardians").Keys);
        Assert.True(Index("ux_rosterKey").Unique);
        var phone = Assert.Single(MongoSchema.IndexSpecs, i => i.Collection == "users" && i.Name == "ux_phone");
        Assert.True(phone.Unique);
        Assert.Equal(BsonDocument.Parse("""{ "phone": { "$type": "string" } }"""), phone.Partial); // users without a phone are many
        Assert.Equal(("phone", "rosterKey"), (MongoSchema.UniqueFields["ux_phone"], MongoSchema.UniqueFields["ux_rosterKey"]));
    }

    /// <summary>The stored pupil carries the fields the filters and the count name (StoreJson, as StoredDocuments keeps it).</summary>
    [Fact]
    public void StoredPupil_HasTheQueriedFields_AndTheCountGroupsBySchool()
    {
        var guardian = User.InvitedGuardian("13800000001", "王妈妈", ActivationCode.Hash("X"), MongoSamples.Now.AddDays(14));
        var pupil = Pupil.Create(Ids.New(), "110101", "王小明", 3, "2班", guardian.Id, guardian.Phone!, null, MongoSamples.Now);
        pupil.Consent(guardian.Id, ConsentText.Version, MongoSamples.Now);
        var stored = StoredDocuments.ToBson(pupil);
        Assert.Equal((pupil.SchoolId.ToString(), 3, "2班", guardian.Id.ToString(), ConsentText.Version, "110101"),
            (stored["schoolId"].AsString, stored["grade"].AsInt32, stored["className"].AsString, stored["guardianIds"][0].AsString,
                stored["consentVersion"].AsString, stored["districtCode"].AsString));
        Assert.Equal(StoreJson.FormatTime(pupil.RosteredAt), stored["rosteredAt"].AsString);
        Assert.Equal("13800000001", StoredDocuments.ToBson(guardian)["phone"].AsString);

        var pipeline = FamilyQuery.Counts(["110101"]);
        Assert.Equal(BsonDocument.Parse("""{ "$match": { "districtCode": { "$in": [ "110101" ] } } }"""), pipeline[0]);
        Assert.Equal(BsonDocument.Parse("""{ "school": "$schoolId", "district": "$districtCode" }"""), pipeline[1]["$group"]["_id"].AsBsonDocument);
        Assert.Equal(BsonDocument.Parse("""{ "districtCode": 1, "schoolId": 1 }"""), Index("ix_district_school").Keys);
    }
}
