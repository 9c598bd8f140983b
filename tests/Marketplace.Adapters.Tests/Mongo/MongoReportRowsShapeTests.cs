using Marketplace.Core.Bookings;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;
using Marketplace.Storage.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace Marketplace.Adapters.Tests.Mongo;

/// <summary>What the Mongo store sends to keep and read the coverage report's groups (issue 16, ReportRows); no server needed.</summary>
public sealed class MongoReportRowsShapeTests
{
    private static readonly RenderArgs<BsonDocument> Args =
        new(BsonSerializer.SerializerRegistry.GetSerializer<BsonDocument>(), BsonSerializer.SerializerRegistry);

    private static (Booking Booking, BsonDocument Stored) Delivered(int attended)
    {
        var session = MongoSamples.Session(Ids.New(), Ids.New());
        var booking = MongoSamples.Booking(session, Ids.New());
        booking.Confirm(MongoSamples.Now, "provider:u");
        booking.Complete(attended, session.StartsAt.AddHours(2), "provider:u");
        return (booking, StoredDocuments.ToBson(booking));
    }

    /// <summary>A stored booking's group: the semester of its session's Beijing date, its fields ('' and -1 when absent), its attendance.</summary>
    [Fact]
    public void Row_IsTheGroupOfTheStoredBooking()
    {
        var (booking, stored) = Delivered(20);

        var row = ReportRows.Of(stored);

        Assert.Equal($"20261|310104|{booking.SchoolId}|{booking.ProviderId}||OffCampus|Completed|Recorded|3", row.Id);
        Assert.Equal(BsonDocument.Parse($$"""
            { "semester": 20261, "district": "310104", "school": "{{booking.SchoolId}}", "provider": "{{booking.ProviderId}}", "category": "",
              "mode": "OffCampus", "status": "Completed", "delivery": "Recorded", "grade": 3 }
            """), row.Fields);
        Assert.Equal(20, row.Attended);
        // The projection a replaced or deleted booking is read back with gives the same row.
        var projected = new BsonDocument(stored.Where(e => ReportRows.Projection.Names.Any(n => n == e.Name || n.StartsWith(e.Name + ".", StringComparison.Ordinal))));
        Assert.Equal(row.Id, ReportRows.Of(projected).Id);
    }

    /// <summary>Sessions on a semester's first instant and one tick before it belong to that semester and the one before.</summary>
    [Fact]
    public void Row_TakesTheSemesterOfTheBeijingDate()
    {
        var start = new Semester(2026, 1).Start;
        var (_, stored) = Delivered(3);

        stored["sessionStartsAt"] = Marketplace.Core.Persistence.StoreJson.FormatTime(start);
        Assert.Equal(20261, ReportRows.Of(stored).Semester);
        stored["sessionStartsAt"] = Marketplace.Core.Persistence.StoreJson.FormatTime(start.AddTicks(-1));
        Assert.Equal(20252, ReportRows.Of(stored).Semester);
        stored["sessionStartsAt"] = Marketplace.Core.Persistence.StoreJson.FormatTime(new Semester(2026, 2).Start);
        Assert.Equal(20262, ReportRows.Of(stored).Semester);
    }

    /// <summary>Joining a group: counted, summed, its largest kept ($max), its fields set only when the group is new; leaving: the opposite.</summary>
    [Fact]
    public void AddAndSubtract_IncrementTheGroup()
    {
        var (_, stored) = Delivered(0);
        var row = ReportRows.Of(stored);

        Assert.Equal(BsonDocument.Parse($$"""
            { "$inc": { "bookings": { "$numberLong": "1" }, "attended": { "$numberLong": "0" }, "noneAttended": { "$numberLong": "1" } },
              "$max": { "maxAttended": 0 }, "$setOnInsert": {{row.Fields.ToJson()}} }
            """), ReportRows.Add(row).Render(Args));
        Assert.Equal(BsonDocument.Parse("""
            { "$inc": { "bookings": { "$numberLong": "-1" }, "attended": { "$numberLong": "0" }, "noneAttended": { "$numberLong": "-1" } } }
            """), ReportRows.Subtract(row).Render(Args));
        Assert.Equal(new BsonDocument("_id", row.Id), ReportRows.IdFilter(row).Render(Args));
    }

    /// <summary>The group's largest attendance found again: its bookings of the semester's span (bookings.ix_report), raw values (null when absent).</summary>
    [Fact]
    public void LargestAttended_MatchesTheGroupsBookingsOfTheSemester()
    {
        var (booking, stored) = Delivered(12);

        var pipeline = ReportRows.LargestAttended(ReportRows.Of(stored));

        Assert.Equal(BsonArray.Create(new[]
        {
            BsonDocument.Parse($$"""
                { "$match": { "districtCode": "310104", "sessionStartsAt": { "$gte": "2026-08-31T16:00:00+00:00", "$lt": "2027-01-31T16:00:00+00:00" },
                  "schoolId": "{{booking.SchoolId}}", "providerId": "{{booking.ProviderId}}", "snapshot.category": null, "snapshot.mode": "OffCampus",
                  "status": "Completed", "delivery.status": "Recorded", "grades.0": 3 } }
                """),
            BsonDocument.Parse("""{ "$group": { "_id": null, "max": { "$max": "$delivery.attended" } } }"""),
        }), new BsonArray(pipeline));
    }

    /// <summary>A whole semester reads the districts' groups; the overdue Confirmed ones of a running semester are counted per group over the partial index.</summary>
    [Fact]
    public void SemesterRead_IsTheGroupsOfTheDistricts_AndTheOverdueCount()
    {
        var semester = new Semester(2026, 1);

        Assert.Equal(BsonDocument.Parse("""{ "semester": 20261, "district": { "$in": [ "110101", "110105" ] } }"""),
            ReportRows.Groups(semester, ["110101", "110105"]).Render(Args));
        Assert.Equal(BsonArray.Create(new[]
        {
            BsonDocument.Parse("""
                { "$match": { "status": "Confirmed", "districtCode": { "$in": [ "110101" ] },
                  "sessionStartsAt": { "$gte": "2026-08-31T16:00:00+00:00", "$lt": "2026-11-23T08:00:00+00:00" } } }
                """),
            BsonDocument.Parse("""
                { "$group": { "_id": { "district": "$districtCode", "school": "$schoolId", "provider": "$providerId", "category": "$snapshot.category",
                  "mode": "$snapshot.mode", "delivery": "$delivery.status", "grade": { "$first": "$grades" } }, "bookings": { "$sum": 1 } } }
                """),
        }), new BsonArray(ReportRows.Overdue(["110101"], semester.Start, new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero))));
        var groups = Assert.Single(MongoSchema.IndexSpecs, i => i.Name == "ix_semester_district");
        Assert.Equal((ReportRows.Collection, BsonDocument.Parse("""{ "semester": 1, "district": 1 }""")), (groups.Collection, groups.Keys));
        var confirmed = Assert.Single(MongoSchema.IndexSpecs, i => i.Name == "ix_confirmed_start");
        Assert.Equal(("bookings", BsonDocument.Parse("""{ "districtCode": 1, "sessionStartsAt": 1 }"""), BsonDocument.Parse("""{ "status": "Confirmed" }""")),
            (confirmed.Collection, confirmed.Keys, confirmed.Partial));
    }

    /// <summary>
    /// The report's rollup is grouped by the server from the districts' rows of the semester (ix_semester_district): per provider,
    /// mode, status and delivered, and the delivered rows per school, category and grade; the overdue ones per provider and mode.
    /// </summary>
    [Fact]
    public void SemesterRollup_IsGroupedByTheServer_FromTheDistrictsRows()
    {
        var semester = new Semester(2026, 1);
        const string match = """{ "$match": { "semester": 20261, "district": { "$in": [ "110101", "110105" ] } } }""";
        const string delivered = """
            { "$and": [ { "$eq": [ "$status", "Completed" ] }, { "$in": [ "$delivery", [ "Recorded", "Confirmed", "Resolved" ] ] } ] }
            """;
        Assert.Equal(BsonArray.Create(new[]
        {
            BsonDocument.Parse(match),
            BsonDocument.Parse($$"""
                { "$group": { "_id": { "district": "$district", "provider": "$provider", "mode": "$mode", "status": "$status", "delivered": {{delivered}} },
                  "bookings": { "$sum": "$bookings" }, "noneAttended": { "$sum": "$noneAttended" } } }
                """),
        }), new BsonArray(ReportRows.ProviderRollupPipeline(semester, ["110101", "110105"])));
        Assert.Equal(BsonArray.Create(new[]
        {
            BsonDocument.Parse(match),
            BsonDocument.Parse($$"""{ "$match": { "$expr": {{delivered}} } }"""),
            BsonDocument.Parse("""
                { "$group": { "_id": { "district": "$district", "school": "$school", "category": "$category", "grade": "$grade" },
                  "delivered": { "$sum": { "$subtract": [ "$bookings", "$noneAttended" ] } }, "maxAttended": { "$max": "$maxAttended" } } }
                """),
        }), new BsonArray(ReportRows.SchoolRollupPipeline(semester, ["110101", "110105"])));
        var overdue = ReportRows.OverdueRollupPipeline(["110101"], semester.Start, new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        Assert.Equal(ReportRows.Overdue(["110101"], semester.Start, new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero))[0], overdue[0]);
        Assert.Equal(BsonDocument.Parse("""
            { "$group": { "_id": { "district": "$districtCode", "provider": "$providerId", "mode": "$snapshot.mode" }, "bookings": { "$sum": 1 } } }
            """), overdue[1]);
    }
}
