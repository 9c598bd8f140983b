using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Marketplace.Storage.Mongo;
using MongoDB.Bson;

namespace Marketplace.Adapters.Tests.Mongo;

/// <summary>What the Mongo store sends for the coverage report's tally (issue 16); no server needed.</summary>
public sealed class MongoReportQueryShapeTests
{
    private static readonly DateTimeOffset Semester = new(2026, 9, 1, 0, 0, 0, TimeSpan.FromHours(8));

    /// <summary>$match the district's span (bookings.ix_report) → $group on the tally's key, counted and summed by the server.</summary>
    [Fact]
    public void Tally_IsOneAggregation_GroupingTheDistrictsBookingsOfTheSpan()
    {
        var pipeline = ReportQuery.Tally(new BookingTallyFilter(["110101", "110105"], Semester, Semester.AddMonths(5), new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero)));

        Assert.Equal(BsonArray.Create(new[]
        {
            BsonDocument.Parse("""{ "$match": { "districtCode": { "$in": [ "110101", "110105" ] }, "sessionStartsAt": { "$gte": "2026-08-31T16:00:00+00:00", "$lt": "2027-01-31T16:00:00+00:00" } } }"""),
            BsonDocument.Parse("""
                { "$group": {
                    "_id": { "district": "$districtCode", "school": "$schoolId", "provider": "$providerId", "category": "$snapshot.category", "mode": "$snapshot.mode",
                             "status": "$status", "delivery": "$delivery.status", "grade": { "$first": "$grades" } },
                    "bookings": { "$sum": 1 },
                    "attended": { "$sum": { "$ifNull": [ "$delivery.attended", null ] } },
                    "maxAttended": { "$max": { "$ifNull": [ "$delivery.attended", null ] } },
                    "noneAttended": { "$sum": { "$cond": [ { "$eq": [ { "$ifNull": [ "$delivery.attended", null ] }, 0 ] }, 1, 0 ] } },
                    "overdue": { "$sum": { "$cond": [ { "$and": [ { "$eq": [ "$status", "Confirmed" ] },
                                                                  { "$lt": [ "$sessionStartsAt", "2026-11-23T08:00:00+00:00" ] } ] }, 1, 0 ] } } } }
                """),
        }), new BsonArray(pipeline));
    }

    /// <summary>The pipeline's field paths are those of a stored delivered booking (StoreJson, as StoredDocuments keeps it); the report's index is declared.</summary>
    [Fact]
    public void Tally_FieldPaths_AreThoseOfTheStoredBooking_AndTheIndexServesItsMatch()
    {
        var session = MongoSamples.Session(Ids.New(), Ids.New());
        var booking = MongoSamples.Booking(session, Ids.New());
        booking.Confirm(MongoSamples.Now, "provider:u");
        booking.Complete(20, session.StartsAt.AddHours(2), "provider:u");
        var stored = StoredDocuments.ToBson(booking);

        Assert.Equal(("310104", booking.SchoolId.ToString(), booking.ProviderId.ToString()), (stored["districtCode"].AsString, stored["schoolId"].AsString, stored["providerId"].AsString));
        Assert.Equal(("OffCampus", "Completed", "Recorded", 20, 3), (stored["snapshot"]["mode"].AsString, stored["status"].AsString,
            stored["delivery"]["status"].AsString, stored["delivery"]["attended"].AsInt32, stored["grades"][0].AsInt32));
        Assert.Equal(StoreJson.FormatTime(booking.SessionStartsAt), stored["sessionStartsAt"].AsString);
        var index = Assert.Single(MongoSchema.IndexSpecs, i => i.Name == "ix_report");
        Assert.Equal(("bookings", BsonDocument.Parse("""{ "districtCode": 1, "sessionStartsAt": 1, "schoolId": 1, "providerId": 1 }""")), (index.Collection, index.Keys));
    }
}
