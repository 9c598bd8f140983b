using System.Globalization;
using Marketplace.Core.Bookings;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Marketplace.Storage.Mongo;

/// <summary>
/// The coverage report's groups (issue 16), as SQLite's booking_report keeps them: one document per semester (of the session's
/// Beijing date), district, school, provider, category, mode, status, delivery status and lowest grade, counted by the commits that
/// write bookings, in their transaction — a booking inserted adds one to its group ($inc, upserted; $max of the attendance), one
/// replaced leaves its old group and joins its new one, one deleted leaves. A group left empty is deleted; when the booking leaving
/// held the group's largest attendance, the largest is found again from the group's bookings. Absent values are '' and -1 (grade).
/// </summary>
internal static class ReportRows
{
    public const string Collection = "booking_report";

    /// <summary>Where a booking document counts: the group's id and fields, and its attendance (null before a delivery).</summary>
    public sealed record Row(string Id, int Semester, BsonDocument Fields, int? Attended, BsonDocument Booking);

    public static int SemesterKey(Semester s) => s.StartYear * 10 + s.Term;

    private static Semester SemesterOfKey(int key) => new(key / 10, key % 10);

    private static BsonValue? At(BsonDocument doc, string path)
    {
        BsonValue current = doc;
        foreach (var part in path.Split('.'))
        {
            if (current is BsonDocument d && d.TryGetValue(part, out var v)) current = v;
            else if (current is BsonArray a && int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count) current = a[i];
            else return null;
        }
        return current.IsBsonNull ? null : current;
    }

    private static string Text(BsonDocument doc, string path) => At(doc, path) is { IsString: true } v ? v.AsString : "";

    /// <summary>The row of a stored booking document (StoredDocuments' shape).</summary>
    public static Row Of(BsonDocument booking)
    {
        var starts = Text(booking, "sessionStartsAt");
        var semester = starts.Length == 0 ? 0 : SemesterKey(Marketplace.Core.Schools.Semester.Of(DateTimeOffset.Parse(starts, CultureInfo.InvariantCulture)));
        var grade = At(booking, "grades.0") is { IsNumeric: true } g ? g.ToInt32() : -1;
        var fields = new BsonDocument
        {
            { "semester", semester }, { "district", Text(booking, "districtCode") }, { "school", Text(booking, "schoolId") },
            { "provider", Text(booking, "providerId") }, { "category", Text(booking, "snapshot.category") }, { "mode", Text(booking, "snapshot.mode") },
            { "status", Text(booking, "status") }, { "delivery", Text(booking, "delivery.status") }, { "grade", grade },
        };
        var id = string.Join('|', fields.Values.Select(v => v.IsString ? v.AsString : v.ToInt32().ToString(CultureInfo.InvariantCulture)));
        int? attended = At(booking, "delivery.attended") is { IsNumeric: true } a ? a.ToInt32() : null;
        return new Row(id, semester, fields, attended, booking);
    }

    /// <summary>The fields a booking's row is computed from: what a replaced or deleted booking's old document is read back with.</summary>
    public static readonly BsonDocument Projection = new()
    {
        { "sessionStartsAt", 1 }, { "districtCode", 1 }, { "schoolId", 1 }, { "providerId", 1 }, { "snapshot.category", 1 }, { "snapshot.mode", 1 },
        { "status", 1 }, { "delivery.status", 1 }, { "delivery.attended", 1 }, { "grades", 1 },
    };

    public static FilterDefinition<BsonDocument> IdFilter(Row row) => new BsonDocument("_id", row.Id);

    /// <summary>One booking into its group: counted, its attendance summed and kept if largest; the group's fields set when it is new.</summary>
    public static UpdateDefinition<BsonDocument> Add(Row row) => new BsonDocument
    {
        { "$inc", new BsonDocument { { "bookings", 1L }, { "attended", (long)(row.Attended ?? 0) }, { "noneAttended", row.Attended == 0 ? 1L : 0L } } },
        { "$max", new BsonDocument("maxAttended", row.Attended ?? 0) },
        { "$setOnInsert", row.Fields },
    };

    /// <summary>One booking out of its group (the largest attendance is found again apart, <see cref="LargestAttended"/>).</summary>
    public static UpdateDefinition<BsonDocument> Subtract(Row row) => new BsonDocument(
        "$inc", new BsonDocument { { "bookings", -1L }, { "attended", -(long)(row.Attended ?? 0) }, { "noneAttended", row.Attended == 0 ? -1L : 0L } });

    /// <summary>The largest attendance of the bookings of the row's group (bookings.ix_report: the district's span of the semester).</summary>
    public static BsonDocument[] LargestAttended(Row row)
    {
        var semester = SemesterOfKey(row.Semester);
        BsonValue Raw(string path) => At(row.Booking, path) ?? BsonNull.Value;
        return
        [
            new("$match", new BsonDocument
            {
                { "districtCode", Raw("districtCode") },
                { "sessionStartsAt", new BsonDocument { { "$gte", StoreJson.FormatTime(semester.Start) }, { "$lt", StoreJson.FormatTime(semester.End) } } },
                { "schoolId", Raw("schoolId") }, { "providerId", Raw("providerId") }, { "snapshot.category", Raw("snapshot.category") },
                { "snapshot.mode", Raw("snapshot.mode") }, { "status", Raw("status") }, { "delivery.status", Raw("delivery.status") }, { "grades.0", Raw("grades.0") },
            }),
            new("$group", new BsonDocument { { "_id", BsonNull.Value }, { "max", new BsonDocument("$max", "$delivery.attended") } }),
        ];
    }

    /// <summary>A whole semester's groups of the districts (booking_report.ix_semester_district).</summary>
    public static FilterDefinition<BsonDocument> Groups(Semester semester, IEnumerable<string> districts) => new BsonDocument
    {
        { "semester", SemesterKey(semester) }, { "district", new BsonDocument("$in", new BsonArray(districts)) },
    };

    /// <summary>The districts' Confirmed bookings whose session started in [from, overdue), counted per group (bookings.ix_confirmed_start).</summary>
    public static BsonDocument[] Overdue(IEnumerable<string> districts, DateTimeOffset from, DateTimeOffset overdueBefore) =>
    [
        new("$match", new BsonDocument
        {
            { "status", nameof(BookingStatus.Confirmed) }, { "districtCode", new BsonDocument("$in", new BsonArray(districts)) },
            { "sessionStartsAt", new BsonDocument { { "$gte", StoreJson.FormatTime(from) }, { "$lt", StoreJson.FormatTime(overdueBefore) } } },
        }),
        new("$group", new BsonDocument
        {
            { "_id", new BsonDocument
            {
                { "district", "$districtCode" }, { "school", "$schoolId" }, { "provider", "$providerId" }, { "category", "$snapshot.category" }, { "mode", "$snapshot.mode" },
                { "delivery", "$delivery.status" }, { "grade", new BsonDocument("$first", "$grades") },
            } },
            { "bookings", new BsonDocument("$sum", 1) },
        }),
    ];

    /// <summary>The delivered rows (<see cref="BookingRollup.IsDelivered"/>) as an aggregation expression over a row's fields.</summary>
    private static readonly BsonDocument DeliveredExpression = new("$and", new BsonArray
    {
        new BsonDocument("$eq", new BsonArray { "$status", nameof(BookingStatus.Completed) }),
        new BsonDocument("$in", new BsonArray
        {
            "$delivery", new BsonArray { nameof(DeliveryStatus.Recorded), nameof(DeliveryStatus.Confirmed), nameof(DeliveryStatus.Resolved) },
        }),
    });

    /// <summary>A semester's rows of the districts rolled up per district, provider, mode, status and delivered (<see cref="ProviderRollup"/>).</summary>
    public static BsonDocument[] ProviderRollupPipeline(Semester semester, IEnumerable<string> districts) =>
    [
        new("$match", GroupsMatch(semester, districts)),
        new("$group", new BsonDocument
        {
            { "_id", new BsonDocument { { "district", "$district" }, { "provider", "$provider" }, { "mode", "$mode" }, { "status", "$status" }, { "delivered", DeliveredExpression } } },
            { "bookings", new BsonDocument("$sum", "$bookings") }, { "noneAttended", new BsonDocument("$sum", "$noneAttended") },
        }),
    ];

    /// <summary>A semester's delivered rows of the districts rolled up per district, school, category and lowest grade (<see cref="SchoolRollup"/>).</summary>
    public static BsonDocument[] SchoolRollupPipeline(Semester semester, IEnumerable<string> districts) =>
    [
        new("$match", GroupsMatch(semester, districts)),
        new("$match", new BsonDocument("$expr", DeliveredExpression)),
        new("$group", new BsonDocument
        {
            { "_id", new BsonDocument { { "district", "$district" }, { "school", "$school" }, { "category", "$category" }, { "grade", "$grade" } } },
            { "delivered", new BsonDocument("$sum", new BsonDocument("$subtract", new BsonArray { "$bookings", "$noneAttended" })) },
            { "maxAttended", new BsonDocument("$max", "$maxAttended") },
        }),
    ];

    /// <summary>The overdue Confirmed bookings (as <see cref="Overdue"/>) per district, provider and mode: the rollup's part.</summary>
    public static BsonDocument[] OverdueRollupPipeline(IEnumerable<string> districts, DateTimeOffset from, DateTimeOffset overdueBefore) =>
    [
        Overdue(districts, from, overdueBefore)[0],
        new("$group", new BsonDocument
        {
            { "_id", new BsonDocument { { "district", "$districtCode" }, { "provider", "$providerId" }, { "mode", "$snapshot.mode" } } },
            { "bookings", new BsonDocument("$sum", 1) },
        }),
    ];

    private static BsonDocument GroupsMatch(Semester semester, IEnumerable<string> districts) => new()
    {
        { "semester", SemesterKey(semester) }, { "district", new BsonDocument("$in", new BsonArray(districts)) },
    };

    /// <summary>The key an overdue group and a report row share (district … grade, without the status: Confirmed).</summary>
    public static string OverdueKey(string district, string school, string provider, string category, string mode, string delivery, int grade) =>
        string.Join('|', district, school, provider, category, mode, delivery, grade.ToString(CultureInfo.InvariantCulture));
}
