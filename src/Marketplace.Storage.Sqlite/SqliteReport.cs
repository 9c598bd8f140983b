using Marketplace.Core.Bookings;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// The coverage report's table (issue 16, migration 10): booking_report holds, per semester of the session's Beijing date, the
/// groups <see cref="Marketplace.Core.Persistence.BookingTally"/> names — district, school, provider, category, mode, status,
/// delivery status, lowest grade — with their counts, kept by triggers on bookings in the writing statement's own transaction (the
/// change set's savepoint): a booking written adds one to its group, a booking changed is taken out of its old group and added to
/// its new one, a booking deleted is taken out. A group left empty is deleted. The largest attendance of a group cannot be taken
/// back by a subtraction: when the booking leaving a group held its largest figure, the group's largest is found again from its
/// bookings over ix_bookings_report (an index seek on the group's key). Absent values are stored as '' (text) and -1 (grade): a
/// primary key column compares NULLs as distinct.
/// </summary>
internal static class SqliteReport
{
    /// <summary>The table's key of a semester: 20261 = 2026-2027-1.</summary>
    public static int Key(Semester s) => s.StartYear * 10 + s.Term;

    private const int NoGrade = -1;

    private static string Field(string doc, string path) => $"json_extract({doc}, '{path}')";

    /// <summary>The semester of the session's Beijing date (Semester.Of): September–January term 1 of its year, February–August term 2.</summary>
    private static string SemesterOf(string doc)
    {
        var ym = $"CAST(strftime('%Y%m', {Field(doc, "$.sessionStartsAt")}, '+8 hours') AS INTEGER)";
        return $"coalesce(CASE WHEN {ym} % 100 >= 9 THEN {ym} / 100 * 10 + 1 WHEN {ym} % 100 = 1 THEN {ym} / 100 * 10 - 9 ELSE {ym} / 100 * 10 - 8 END, 0)";
    }

    /// <summary>The nine key columns' values of a booking document, in the table's key order.</summary>
    private static string[] KeyOf(string doc) =>
    [
        SemesterOf(doc), $"coalesce({Field(doc, "$.districtCode")}, '')", $"coalesce({Field(doc, "$.schoolId")}, '')",
        $"coalesce({Field(doc, "$.providerId")}, '')", $"coalesce({Field(doc, "$.snapshot.category")}, '')", $"coalesce({Field(doc, "$.snapshot.mode")}, '')",
        $"coalesce({Field(doc, "$.status")}, '')", $"coalesce({Field(doc, "$.delivery.status")}, '')", $"coalesce({Field(doc, "$.grades[0]")}, {NoGrade})",
    ];

    private static readonly string[] KeyColumns = ["semester", "district", "school", "provider", "category", "mode", "status", "delivery", "grade"];

    private static string Attended(string doc) => Field(doc, "$.delivery.attended");

    private static string Matches(string doc) => string.Join(" AND ", KeyColumns.Zip(KeyOf(doc), (c, v) => $"{c} = {v}"));

    /// <summary>One booking added to its group.</summary>
    private static string Add(string doc) => $"""
        INSERT INTO booking_report ({string.Join(", ", KeyColumns)}, bookings, attended, max_attended, none_attended)
        VALUES ({string.Join(", ", KeyOf(doc))}, 1, coalesce({Attended(doc)}, 0), coalesce({Attended(doc)}, 0), {Attended(doc)} IS 0)
        ON CONFLICT DO UPDATE SET bookings = bookings + 1, attended = attended + excluded.attended,
            max_attended = max(max_attended, excluded.max_attended), none_attended = none_attended + excluded.none_attended;
        """;

    /// <summary>
    /// One booking taken out of its group; the group deleted once empty; its largest attendance found again from the group's bookings
    /// when the leaving booking held it (the statement runs after the booking's row changed, so the leaving booking is not among them).
    /// </summary>
    private static string Subtract(string doc) => $"""
        UPDATE booking_report SET bookings = bookings - 1, attended = attended - coalesce({Attended(doc)}, 0), none_attended = none_attended - ({Attended(doc)} IS 0)
        WHERE {Matches(doc)};
        DELETE FROM booking_report WHERE {Matches(doc)} AND bookings <= 0;
        UPDATE booking_report SET max_attended = (
            SELECT coalesce(max({Attended("b.doc")}), 0) FROM bookings b INDEXED BY ix_bookings_report
            WHERE {Field("b.doc", "$.districtCode")} = {Field(doc, "$.districtCode")} AND {Field("b.doc", "$.schoolId")} = {Field(doc, "$.schoolId")}
              AND {Field("b.doc", "$.providerId")} = {Field(doc, "$.providerId")} AND {Field("b.doc", "$.snapshot.category")} IS {Field(doc, "$.snapshot.category")}
              AND {Field("b.doc", "$.snapshot.mode")} IS {Field(doc, "$.snapshot.mode")} AND {Field("b.doc", "$.status")} = {Field(doc, "$.status")}
              AND {Field("b.doc", "$.delivery.status")} IS {Field(doc, "$.delivery.status")} AND {Field("b.doc", "$.grades[0]")} IS {Field(doc, "$.grades[0]")}
              AND {SemesterOf("b.doc")} = {SemesterOf(doc)})
        WHERE {Matches(doc)} AND max_attended > 0 AND coalesce({Attended(doc)}, 0) >= max_attended;
        """;

    /// <summary>
    /// Migration 10: the table, filled from the bookings already stored (the backfill: the same grouping the triggers keep), its
    /// triggers, and the Confirmed bookings by session start (a partial index: only Confirmed ones), which counts the overdue ones of
    /// a semester still running without walking the semester (the status is also its last column, so the index alone answers).
    /// </summary>
    public static string Migration => $"""
        CREATE TABLE booking_report (semester INTEGER NOT NULL, district TEXT NOT NULL, school TEXT NOT NULL, provider TEXT NOT NULL,
            category TEXT NOT NULL, mode TEXT NOT NULL, status TEXT NOT NULL, delivery TEXT NOT NULL, grade INTEGER NOT NULL,
            bookings INTEGER NOT NULL, attended INTEGER NOT NULL, max_attended INTEGER NOT NULL, none_attended INTEGER NOT NULL,
            PRIMARY KEY ({string.Join(", ", KeyColumns)})) WITHOUT ROWID;
        INSERT INTO booking_report ({string.Join(", ", KeyColumns)}, bookings, attended, max_attended, none_attended)
        SELECT {string.Join(", ", KeyOf("doc"))}, count(*), coalesce(sum({Attended("doc")}), 0), coalesce(max({Attended("doc")}), 0),
            coalesce(sum({Attended("doc")} = 0), 0)
        FROM bookings GROUP BY {string.Join(", ", Enumerable.Range(1, KeyColumns.Length))};
        CREATE TRIGGER tr_bookings_report_insert AFTER INSERT ON bookings BEGIN
        {Add("new.doc")}
        END;
        CREATE TRIGGER tr_bookings_report_delete AFTER DELETE ON bookings BEGIN
        {Subtract("old.doc")}
        END;
        CREATE TRIGGER tr_bookings_report_update AFTER UPDATE OF doc ON bookings
        WHEN ({string.Join(", ", KeyOf("old.doc"))}, {Attended("old.doc")}) IS NOT ({string.Join(", ", KeyOf("new.doc"))}, {Attended("new.doc")}) BEGIN
        {Subtract("old.doc")}
        {Add("new.doc")}
        END;
        CREATE INDEX ix_bookings_confirmed_start ON bookings ({Field("doc", "$.sessionStartsAt")}, {Field("doc", "$.districtCode")}, {Field("doc", "$.schoolId")},
            {Field("doc", "$.providerId")}, {Field("doc", "$.snapshot.category")}, {Field("doc", "$.snapshot.mode")}, {Field("doc", "$.delivery.status")},
            {Field("doc", "$.grades[0]")}, {Field("doc", "$.status")}) WHERE {Field("doc", "$.status")} = '{nameof(BookingStatus.Confirmed)}';
        """;

    /// <summary>The groups of a semester's districts (the table's primary key: a range per district).</summary>
    public const string GroupsSql = """
        SELECT district, school, provider, category, mode, status, delivery, grade, bookings, attended, max_attended, none_attended
        FROM booking_report WHERE semester = $semester AND district IN (SELECT value FROM json_each($districts))
        """;

    /// <summary>
    /// The Confirmed bookings of the districts whose session started in [$from, $overdue), by group (ix_bookings_confirmed_start
    /// alone, named: without statistics SQLite takes ix_bookings_district_status, every Confirmed booking of the district; the inner
    /// select reads the index's values, LIMIT -1 keeps it from being flattened into the grouping).
    /// </summary>
    public const string OverdueSql = $"""
        SELECT district, school, provider, category, mode, delivery, grade, count(*)
        FROM (
          SELECT json_extract(doc, '$.districtCode') AS district, json_extract(doc, '$.schoolId') AS school, json_extract(doc, '$.providerId') AS provider,
            coalesce(json_extract(doc, '$.snapshot.category'), '') AS category, coalesce(json_extract(doc, '$.snapshot.mode'), '') AS mode,
            coalesce(json_extract(doc, '$.delivery.status'), '') AS delivery, coalesce(json_extract(doc, '$.grades[0]'), -1) AS grade
          FROM bookings INDEXED BY ix_bookings_confirmed_start
          WHERE json_extract(doc, '$.status') = '{nameof(BookingStatus.Confirmed)}'
            AND json_extract(doc, '$.sessionStartsAt') >= $from AND json_extract(doc, '$.sessionStartsAt') < $overdue
            AND json_extract(doc, '$.districtCode') IN (SELECT value FROM json_each($districts))
          LIMIT -1)
        GROUP BY district, school, provider, category, mode, delivery, grade
        """;

    /// <summary>The delivered groups' statuses (<see cref="BookingRollup.IsDelivered"/>) as SQL over booking_report's columns.</summary>
    private const string DeliveredSql = $"""
        (status = '{nameof(BookingStatus.Completed)}' AND delivery IN ('{nameof(DeliveryStatus.Recorded)}', '{nameof(DeliveryStatus.Confirmed)}', '{nameof(DeliveryStatus.Resolved)}'))
        """;

    /// <summary>A semester's groups of the districts rolled up per district, provider, mode, status and delivered (<see cref="ProviderRollup"/>).</summary>
    public const string ProviderRollupSql = $"""
        SELECT district, provider, mode, status, {DeliveredSql} AS delivered, sum(bookings), sum(none_attended)
        FROM booking_report WHERE semester = $semester AND district IN (SELECT value FROM json_each($districts))
        GROUP BY district, provider, mode, status, delivered
        """;

    /// <summary>A semester's delivered groups of the districts rolled up per district, school, category and lowest grade (<see cref="SchoolRollup"/>).</summary>
    public const string SchoolRollupSql = $"""
        SELECT district, school, category, grade, sum(bookings - none_attended), max(max_attended)
        FROM booking_report WHERE semester = $semester AND district IN (SELECT value FROM json_each($districts)) AND {DeliveredSql}
        GROUP BY district, school, category, grade
        """;

    /// <summary>The overdue Confirmed bookings (as <see cref="OverdueSql"/>) per district, provider and mode: the rollup's part.</summary>
    public const string OverdueRollupSql = $"""
        SELECT district, provider, mode, count(*)
        FROM (
          SELECT json_extract(doc, '$.districtCode') AS district, json_extract(doc, '$.providerId') AS provider,
            coalesce(json_extract(doc, '$.snapshot.mode'), '') AS mode
          FROM bookings INDEXED BY ix_bookings_confirmed_start
          WHERE json_extract(doc, '$.status') = '{nameof(BookingStatus.Confirmed)}'
            AND json_extract(doc, '$.sessionStartsAt') >= $from AND json_extract(doc, '$.sessionStartsAt') < $overdue
            AND json_extract(doc, '$.districtCode') IN (SELECT value FROM json_each($districts))
          LIMIT -1)
        GROUP BY district, provider, mode
        """;

    public static bool IsNoGrade(long grade) => grade == NoGrade;
}
