using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// Reports (issue 16): districts' bookings of a span of session starts. A whole semester (what the coverage report asks) reads the
/// groups booking_report keeps (SqliteReport): one row per group, never a booking. Any other span is grouped over ix_bookings_report,
/// whose columns are the grouping's in its order, so SQLite walks each district's part of the index once (the IN list's values in
/// order), groups as it goes (no temporary b-tree) and never reads a document — but it walks every booking of the districts.
/// </summary>
internal sealed partial class SqliteMarketplaceStore
{
    public Task<IReadOnlyList<BookingTally>> TallyBookingsAsync(BookingTallyFilter filter, CancellationToken ct = default)
    {
        using var connection = Open();
        var semester = Semester.Of(filter.StartsFrom);
        return Task.FromResult(filter.StartsFrom == semester.Start && filter.StartsBefore == semester.End
            ? SemesterTally(connection, filter, semester, ct)
            : SpanTally(connection, filter, ct));
    }

    public Task<BookingRollup> RollUpBookingsAsync(BookingTallyFilter filter, CancellationToken ct = default)
    {
        using var connection = Open();
        var semester = Semester.Of(filter.StartsFrom);
        return Task.FromResult(filter.StartsFrom == semester.Start && filter.StartsBefore == semester.End
            ? SemesterRollup(connection, filter, semester, ct)
            : BookingRollup.Of(SpanTally(connection, filter, ct)));
    }

    /// <summary>
    /// A whole semester rolled up by SQLite from booking_report (a few rows per provider and per school and programme, however many
    /// bookings), the Confirmed ones overdue counted apart per district, provider and mode.
    /// </summary>
    private static BookingRollup SemesterRollup(SqliteConnection connection, BookingTallyFilter filter, Semester semester, CancellationToken ct)
    {
        var districts = StoreJson.Serialize(filter.Districts);
        var codes = filter.Districts.Distinct(StringComparer.Ordinal).ToDictionary(d => d, d => d, StringComparer.Ordinal);
        var allOverdue = filter.OverdueBefore >= semester.End;
        var overdue = new Dictionary<(string, string, string), long>();
        if (!allOverdue && filter.OverdueBefore > semester.Start)
        {
            using var late = Command(connection, SqliteReport.OverdueRollupSql,
                ("$districts", districts), ("$from", StoreJson.FormatTime(filter.StartsFrom)), ("$overdue", StoreJson.FormatTime(filter.OverdueBefore)));
            using var reader = late.ExecuteReader();
            while (reader.Read()) overdue[(reader.GetString(0), reader.GetString(1), reader.GetString(2))] = reader.GetInt64(3);
        }

        var providers = new List<ProviderRollup>();
        using (var cmd = Command(connection, SqliteReport.ProviderRollupSql, ("$semester", SqliteReport.Key(semester)), ("$districts", districts)))
        using (var reader = cmd.ExecuteReader())
            while (reader.Read())
            {
                ct.ThrowIfCancellationRequested();
                var (district, provider, mode) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
                var status = EnumText<BookingStatus>.Parse(reader.GetString(3));
                var bookings = reader.GetInt64(5);
                var late = status != BookingStatus.Confirmed ? 0 : allOverdue ? bookings : overdue.GetValueOrDefault((district, provider, mode));
                providers.Add(new ProviderRollup(codes.GetValueOrDefault(district, district), Guid.Parse(provider), OrNull<DeliveryMode>(mode), status,
                    reader.GetInt64(4) != 0, bookings, reader.GetInt64(6), late));
            }

        var schools = new List<SchoolRollup>();
        using (var cmd = Command(connection, SqliteReport.SchoolRollupSql, ("$semester", SqliteReport.Key(semester)), ("$districts", districts)))
        using (var reader = cmd.ExecuteReader())
            while (reader.Read())
            {
                ct.ThrowIfCancellationRequested();
                var district = reader.GetString(0);
                var grade = reader.GetInt64(3);
                schools.Add(new SchoolRollup(codes.GetValueOrDefault(district, district), Guid.Parse(reader.GetString(1)), OrNull<Category>(reader.GetString(2)),
                    SqliteReport.IsNoGrade(grade) ? null : (int)grade, reader.GetInt64(4), reader.GetInt32(5)));
            }
        return new BookingRollup(providers, schools);
    }

    /// <summary>A whole semester: its groups from booking_report (SqliteReport), and the Confirmed ones overdue counted apart.</summary>
    private static IReadOnlyList<BookingTally> SemesterTally(SqliteConnection connection, BookingTallyFilter filter, Semester semester, CancellationToken ct)
    {
        var districts = StoreJson.Serialize(filter.Districts);
        // Overdue: every Confirmed booking once the semester is over, none before it starts, else those started before OverdueBefore.
        var allOverdue = filter.OverdueBefore >= semester.End;
        var overdue = allOverdue || filter.OverdueBefore <= semester.Start ? null : OverdueGroups(connection, filter, districts, ct);
        using var cmd = Command(connection, SqliteReport.GroupsSql, ("$semester", SqliteReport.Key(semester)), ("$districts", districts));
        using var reader = cmd.ExecuteReader();
        var tallies = new List<BookingTally>();
        // The groups keep the caller's district strings, not one copy per group read (they outlive the read: fewer promoted by the GC).
        var codes = filter.Districts.Distinct(StringComparer.Ordinal).ToDictionary(d => d, d => d, StringComparer.Ordinal);
        while (reader.Read())
        {
            ct.ThrowIfCancellationRequested();
            var district = reader.GetString(0);
            var status = EnumText<BookingStatus>.Parse(reader.GetString(5));
            var bookings = reader.GetInt64(8);
            var late = status != BookingStatus.Confirmed ? 0 : allOverdue ? bookings
                : overdue?.GetValueOrDefault(OverdueKey(district, reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(6), reader.GetInt64(7))) ?? 0;
            var grade = reader.GetInt64(7);
            tallies.Add(new BookingTally(
                codes.GetValueOrDefault(district, district), Guid.Parse(reader.GetString(1)), Guid.Parse(reader.GetString(2)),
                OrNull<Category>(reader.GetString(3)), OrNull<DeliveryMode>(reader.GetString(4)), status, OrNull<DeliveryStatus>(reader.GetString(6)),
                SqliteReport.IsNoGrade(grade) ? null : (int)grade, bookings, reader.GetInt64(9), reader.GetInt32(10), reader.GetInt64(11), late));
        }
        return tallies;
    }

    private static Dictionary<string, long> OverdueGroups(SqliteConnection connection, BookingTallyFilter filter, string districts, CancellationToken ct)
    {
        using var cmd = Command(connection, SqliteReport.OverdueSql,
            ("$districts", districts), ("$from", StoreJson.FormatTime(filter.StartsFrom)), ("$overdue", StoreJson.FormatTime(filter.OverdueBefore)));
        using var reader = cmd.ExecuteReader();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (reader.Read())
        {
            ct.ThrowIfCancellationRequested();
            counts[OverdueKey(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetInt64(6))] = reader.GetInt64(7);
        }
        return counts;
    }

    private static string OverdueKey(string district, string school, string provider, string category, string mode, string delivery, long grade) =>
        string.Join('|', district, school, provider, category, mode, delivery, grade.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static T? OrNull<T>(string text) where T : struct, Enum => text.Length == 0 ? null : EnumText<T>.Parse(text);

    /// <summary>Any other span: grouped over ix_bookings_report (every index entry of the districts is walked).</summary>
    private static IReadOnlyList<BookingTally> SpanTally(SqliteConnection connection, BookingTallyFilter filter, CancellationToken ct)
    {
        var (sql, parameters) = TallyQuery(filter);
        using var cmd = Command(connection, sql, parameters);
        using var reader = cmd.ExecuteReader();
        var tallies = new List<BookingTally>();
        while (reader.Read())
        {
            ct.ThrowIfCancellationRequested();
            tallies.Add(new BookingTally(
                reader.GetString(0), Guid.Parse(reader.GetString(1)), Guid.Parse(reader.GetString(2)),
                reader.IsDBNull(3) ? null : EnumText<Category>.Parse(reader.GetString(3)),
                reader.IsDBNull(4) ? null : EnumText<DeliveryMode>.Parse(reader.GetString(4)),
                EnumText<BookingStatus>.Parse(reader.GetString(5)),
                reader.IsDBNull(6) ? null : EnumText<DeliveryStatus>.Parse(reader.GetString(6)),
                reader.IsDBNull(7) ? null : reader.GetInt32(7),
                reader.GetInt64(8), reader.GetInt64(9), reader.GetInt32(10), reader.GetInt64(11), reader.GetInt64(12)));
        }
        return tallies;
    }

    /// <summary>
    /// The inner select reads only ix_bookings_report's values (SQLite does not see an aggregate's indexed expressions as covered, so
    /// the grouping is outside), in index order (its ORDER BY costs no sort; LIMIT -1 keeps it from being flattened into the outer
    /// select): the outer GROUP BY follows that order and needs no temporary b-tree.
    /// </summary>
    internal static (string Sql, (string Name, object? Value)[] Parameters) TallyQuery(BookingTallyFilter f) => (
        $"""
        SELECT district, school, provider, category, mode, status, delivery, grade, count(*), coalesce(sum(attended), 0), coalesce(max(attended), 0),
          coalesce(sum(attended = 0), 0), coalesce(sum(status = '{nameof(BookingStatus.Confirmed)}' AND starts < $overdue), 0)
        FROM (
          SELECT json_extract(doc, '$.districtCode') AS district, json_extract(doc, '$.schoolId') AS school, json_extract(doc, '$.providerId') AS provider,
            json_extract(doc, '$.snapshot.category') AS category, json_extract(doc, '$.snapshot.mode') AS mode, json_extract(doc, '$.status') AS status,
            json_extract(doc, '$.delivery.status') AS delivery, json_extract(doc, '$.grades[0]') AS grade,
            json_extract(doc, '$.sessionStartsAt') AS starts, json_extract(doc, '$.delivery.attended') AS attended
          FROM bookings
          WHERE json_extract(doc, '$.districtCode') IN (SELECT value FROM json_each($districts))
            AND json_extract(doc, '$.sessionStartsAt') >= $from AND json_extract(doc, '$.sessionStartsAt') < $before
          ORDER BY json_extract(doc, '$.districtCode'), json_extract(doc, '$.schoolId'), json_extract(doc, '$.providerId'), json_extract(doc, '$.snapshot.category'),
            json_extract(doc, '$.snapshot.mode'), json_extract(doc, '$.status'), json_extract(doc, '$.delivery.status'), json_extract(doc, '$.grades[0]')
          LIMIT -1)
        GROUP BY district, school, provider, category, mode, status, delivery, grade
        """,
        [
            ("$districts", StoreJson.Serialize(f.Districts)), ("$from", StoreJson.FormatTime(f.StartsFrom)), ("$before", StoreJson.FormatTime(f.StartsBefore)),
            ("$overdue", StoreJson.FormatTime(f.OverdueBefore)),
        ]);
}
