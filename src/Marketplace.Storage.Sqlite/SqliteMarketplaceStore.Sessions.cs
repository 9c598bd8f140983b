using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;

namespace Marketplace.Storage.Sqlite;

/// <summary>Sessions and the bookings of an offering, for paused offerings and underfilled sessions.</summary>
internal sealed partial class SqliteMarketplaceStore
{
    private static readonly string LiveStatuses = StoreJson.Serialize(new[] { BookingStatus.Requested.ToString(), BookingStatus.Confirmed.ToString() });

    /// <summary>The school's bookings (ix_bookings_school), one match is enough.</summary>
    public Task<bool> HasLiveBookingAsync(Guid schoolId, Guid offeringId, CancellationToken ct = default)
    {
        using var connection = Open();
        using var cmd = Command(connection, """
            SELECT EXISTS (SELECT 1 FROM bookings INDEXED BY ix_bookings_school WHERE json_extract(doc, '$.schoolId') = $s
              AND json_extract(doc, '$.offeringId') = $o AND json_extract(doc, '$.status') IN (SELECT value FROM json_each($live)))
            """, ("$s", Key(schoolId)), ("$o", Key(offeringId)), ("$live", LiveStatuses));
        return Task.FromResult(Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1);
    }

    /// <summary>Through the offering's sessions (ix_sessions_offering) to their bookings (ix_bookings_session): no index on the booking's offering is needed.</summary>
    public Task<IReadOnlyList<Guid>> ListSchoolsWithLiveBookingsAsync(Guid offeringId, int limit, CancellationToken ct = default)
    {
        using var connection = Open();
        using var cmd = Command(connection, """
            SELECT DISTINCT json_extract(b.doc, '$.schoolId') AS school FROM sessions s
              JOIN bookings b INDEXED BY ix_bookings_session ON json_extract(b.doc, '$.sessionId') = s.id
            WHERE json_extract(s.doc, '$.offeringId') = $o AND json_extract(b.doc, '$.status') IN (SELECT value FROM json_each($live))
            ORDER BY school LIMIT $n
            """, ("$o", Key(offeringId)), ("$live", LiveStatuses), ("$n", limit));
        using var reader = cmd.ExecuteReader();
        var schools = new List<Guid>();
        while (reader.Read()) schools.Add(Guid.Parse(reader.GetString(0)));
        return Task.FromResult<IReadOnlyList<Guid>>(schools);
    }

    public Task<IReadOnlyList<Session>> ListSessionsStartingAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct = default) =>
        Task.FromResult(QueryDocs<Session>(
            """
            SELECT doc FROM sessions WHERE json_extract(doc, '$.status') = $status
              AND json_extract(doc, '$.startsAt') >= $from AND json_extract(doc, '$.startsAt') < $to
            ORDER BY json_extract(doc, '$.startsAt'), id LIMIT $n
            """,
            ("$status", nameof(SessionStatus.Scheduled)), ("$from", StoreJson.FormatTime(from)), ("$to", StoreJson.FormatTime(to)), ("$n", limit)));
}
