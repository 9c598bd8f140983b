using Marketplace.Core.Families;
using Marketplace.Core.Families.Billing;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Marketplace.Storage.Mongo;
using MongoDB.Bson;

namespace Marketplace.Adapters.Tests.Mongo;

/// <summary>What the Mongo store sends for the family-fee totals (issue 18): the filter on the stored fields, an index leading with them, one $group per school.</summary>
public sealed class MongoFamilyBillSumShapeTests
{
    [Fact]
    public void BillSums_MatchADistrictsSemester_OnItsIndex_AndGroupTheStoredFiguresPerSchool()
    {
        var pupil = Pupil.Create(Ids.New(), "110101", "王小明", 3, "2班", Ids.New(), "13800000001", null, MongoSamples.Now);
        var bill = FamilyBill.Open(pupil, "2026-2027-1", MongoSamples.Now);
        bill.Bill(new BillLine(Ids.New(), Ids.New(), "足球", "体育中心", [Ids.New()], [new DateOnly(2026, 9, 7)], 600, 100, 0, null, MongoSamples.Now), MongoSamples.Now);
        var stored = StoredDocuments.ToBson(bill);
        Assert.Equal((700L, 0L, 0L, 0L, 700L, "2026-2027-1", "110101"),
            (stored["billedFen"].ToInt64(), stored["creditedFen"].ToInt64(), stored["paidFen"].ToInt64(), stored["waivedFen"].ToInt64(), stored["balanceFen"].ToInt64(),
                stored["semester"].AsString, stored["districtCode"].AsString));

        var pipeline = FamilyQuery.FamilyBillSums(new FamilyBillFilter(Limit: 1, After: Ids.New()) { Districts = ["110101"], Semester = "2026-2027-1", State = BillState.RefundDue });
        Assert.Equal(BsonDocument.Parse("""{ "$match": { "districtCode": { "$in": [ "110101" ] }, "semester": "2026-2027-1", "balanceFen": { "$lt": 0 } } }"""), pipeline[0]);
        var group = pipeline[1]["$group"].AsBsonDocument;
        Assert.Equal(BsonDocument.Parse("""{ "school": "$schoolId", "district": "$districtCode" }"""), group["_id"].AsBsonDocument);
        Assert.Equal(BsonDocument.Parse("""{ "$sum": { "$max": [ "$balanceFen", 0 ] } }"""), group["outstanding"].AsBsonDocument);
        var index = Assert.Single(MongoSchema.IndexSpecs, i => i.Collection == "family_bills" && i.Name == "ix_district_semester_school");
        Assert.Equal(BsonDocument.Parse("""{ "districtCode": 1, "semester": 1, "schoolId": 1 }"""), index.Keys);
        Assert.Equal(BsonDocument.Parse("""{ "semester": "2026-2027-1", "schoolId": "x", "grade": 3, "balanceFen": { "$eq": 0 } }""").Names,
            FamilyQuery.FamilyBills(new FamilyBillFilter(SchoolId: Ids.New()) { Semester = "2026-2027-1", Grade = 3, State = BillState.PaidUp }).Names);
    }
}
