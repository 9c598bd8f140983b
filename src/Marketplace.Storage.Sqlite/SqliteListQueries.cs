using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// The list queries' SQL, written with only the conditions a call has. SQLite plans a statement once, not per parameter
/// value, so a catch-all <c>($x IS NULL OR field = $x)</c> can use no index at all: every list scanned the whole table.
/// Written out, each filter finds its index (the bureau's bookings: district + status + id).
/// </summary>
internal static class SqliteListQueries
{
    public static (string Sql, (string Name, object? Value)[] Parameters) Bookings(BookingFilter f)
    {
        var query = new Where();
        if (f.SchoolId is { } school) query.Add("json_extract(doc, '$.schoolId') = $school", "$school", SqliteMarketplaceStore.Key(school));
        if (f.ProviderId is { } provider) query.Add("json_extract(doc, '$.providerId') = $provider", "$provider", SqliteMarketplaceStore.Key(provider));
        if (f.OfferingId is { } offering) query.Add("json_extract(doc, '$.offeringId') = $offering", "$offering", SqliteMarketplaceStore.Key(offering));
        if (f.SessionId is { } session) query.Add("json_extract(doc, '$.sessionId') = $session", "$session", SqliteMarketplaceStore.Key(session));
        if (f.Districts is { } districts)
            query.Add("json_extract(doc, '$.districtCode') IN (SELECT value FROM json_each($districts))", "$districts", StoreJson.Serialize(districts));
        if (f.Status is { } status) query.Add("json_extract(doc, '$.status') = $status", "$status", status.ToString());
        if (f.ExpiresBefore is { } expires) query.Add("json_extract(doc, '$.expiresAt') < $expires", "$expires", StoreJson.FormatTime(expires));
        if (f.StartsFrom is { } startsFrom) query.Add("json_extract(doc, '$.sessionStartsAt') >= $startsFrom", "$startsFrom", StoreJson.FormatTime(startsFrom));
        if (f.StartsBefore is { } startsBefore) query.Add("json_extract(doc, '$.sessionStartsAt') < $startsBefore", "$startsBefore", StoreJson.FormatTime(startsBefore));
        if (f.Before is { } before) query.Add("id < $before", "$before", SqliteMarketplaceStore.Key(before));
        return query.Select("bookings", "ORDER BY id DESC LIMIT $limit", ("$limit", f.Limit));
    }

    public static (string Sql, (string Name, object? Value)[] Parameters) Offerings(Guid? providerId, OfferingStatus? status)
    {
        var query = new Where();
        if (providerId is { } p) query.Add("json_extract(doc, '$.providerId') = $p", "$p", SqliteMarketplaceStore.Key(p));
        if (status is { } s) query.Add("json_extract(doc, '$.status') = $s", "$s", s.ToString());
        return query.Select("offerings", "ORDER BY id");
    }

    /// <summary>Booking series newest first: a school's (ix_series_school), a provider's (ix_series_provider), districts' (ix_series_district_status), the sweep's (ix_series_status_expiry).</summary>
    public static (string Sql, (string Name, object? Value)[] Parameters) Series(SeriesFilter f)
    {
        var query = new Where();
        if (f.SchoolId is { } school) query.Add("json_extract(doc, '$.schoolId') = $school", "$school", SqliteMarketplaceStore.Key(school));
        if (f.ProviderId is { } provider) query.Add("json_extract(doc, '$.providerId') = $provider", "$provider", SqliteMarketplaceStore.Key(provider));
        if (f.Districts is { } districts)
            query.Add("json_extract(doc, '$.districtCode') IN (SELECT value FROM json_each($districts))", "$districts", StoreJson.Serialize(districts));
        if (f.Status is { } status) query.Add("json_extract(doc, '$.status') = $status", "$status", status.ToString());
        if (f.ExpiresBefore is { } expires) query.Add("json_extract(doc, '$.expiresAt') < $expires", "$expires", StoreJson.FormatTime(expires));
        if (f.Before is { } before) query.Add("id < $before", "$before", SqliteMarketplaceStore.Key(before));
        return query.Select("booking_series", "ORDER BY id DESC LIMIT $limit", ("$limit", f.Limit));
    }

    /// <summary>Queue order (oldest id first): a session's entries by status over ix_waitlist_session_status, overdue holds over ix_waitlist_status_held.</summary>
    public static (string Sql, (string Name, object? Value)[] Parameters) Waitlist(WaitlistFilter f)
    {
        var query = new Where();
        if (f.SessionId is { } session) query.Add("json_extract(doc, '$.sessionId') = $session", "$session", SqliteMarketplaceStore.Key(session));
        if (f.SchoolId is { } school) query.Add("json_extract(doc, '$.schoolId') = $school", "$school", SqliteMarketplaceStore.Key(school));
        if (f.Status is { } status) query.Add("json_extract(doc, '$.status') = $status", "$status", status.ToString());
        if (f.HeldBefore is { } held) query.Add("json_extract(doc, '$.heldUntil') < $held", "$held", StoreJson.FormatTime(held));
        return query.Select("waitlist", "ORDER BY id LIMIT $limit", ("$limit", f.Limit));
    }

    /// <summary>Conditions joined with AND; every one a constant of this class, every value a parameter.</summary>
    private sealed class Where
    {
        private readonly List<string> _conditions = [];
        private readonly List<(string, object?)> _parameters = [];

        public void Add(string condition, string name, object? value)
        {
            _conditions.Add(condition);
            _parameters.Add((name, value));
        }

        public (string, (string, object?)[]) Select(string table, string tail, params (string, object?)[] more)
        {
            var where = _conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", _conditions);
            return ($"SELECT doc FROM {table}{where} {tail}", [.. _parameters, .. more]);
        }
    }
}
