using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// Reports (issue 16): districts' bookings of a span of session starts, grouped over ix_bookings_report. The grouping columns are
/// the index's columns in its order, so SQLite walks each district's part of the index once (the IN list's values in order), groups
/// as it goes (no temporary b-tree) and never reads a document: the city's coverage report costs one index range per district.
/// </summary>
internal sealed partial class SqliteMarketplaceStore
{
    public Task<IReadOnlyList<BookingTally>> TallyBookingsAsync(BookingTallyFilter filter, CancellationToken ct = default)
    {
        var (sql, parameters) = TallyQuery(filter);
        using var connection = Open();
        using var cmd = Command(connection, sql, parameters);
        using var reader = cmd.ExecuteReader();
        var tallies = new List<BookingTally>();
        while (reader.Read())
        {
            ct.ThrowIfCancellationRequested();
            tallies.Add(new BookingTally(
                reader.GetString(0), Guid.Parse(reader.GetString(1)), Guid.Parse(reader.GetString(2)),
                reader.IsDBNull(3) ? null : Enum.Parse<Category>(reader.GetString(3)),
                reader.IsDBNull(4) ? null : Enum.Parse<DeliveryMode>(reader.GetString(4)),
                Enum.Parse<BookingStatus>(reader.GetString(5)),
                reader.IsDBNull(6) ? null : Enum.Parse<DeliveryStatus>(reader.GetString(6)),
                reader.IsDBNull(7) ? null : reader.GetInt32(7),
                reader.GetInt64(8), reader.GetInt64(9), reader.GetInt32(10), reader.GetInt64(11), reader.GetInt64(12)));
        }
        return Task.FromResult<IReadOnlyList<BookingTally>>(tallies);
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
