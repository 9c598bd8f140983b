using Marketplace.Core.Bookings;
using Marketplace.Core.Persistence;
using Marketplace.Core.Settlement;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// Settlement (issue 15): ledger pages in posting order from the ledger's columns (ix_ledger_district / _school / _provider /
/// _posted), statements summed over ledger_entries (ix_ledger_entries_*), payments newest first, and the deliveries whose dispute
/// window has run out (ix_bookings_delivery_due). Each statement holds only the conditions its filter has.
/// </summary>
internal sealed partial class SqliteMarketplaceStore
{
    public Task<IReadOnlyList<LedgerTransaction>> ListLedgerAsync(LedgerFilter filter, CancellationToken ct = default)
    {
        var (sql, parameters) = LedgerPageQuery(filter);
        return Task.FromResult(QueryDocs<LedgerTransaction>(sql, parameters));
    }

    public Task<IReadOnlyList<LedgerTotal>> SumLedgerAsync(LedgerFilter filter, CancellationToken ct = default)
    {
        var (sql, parameters) = LedgerSumQuery(filter);
        using var connection = Open();
        using var cmd = Command(connection, sql, parameters);
        using var reader = cmd.ExecuteReader();
        var totals = new List<LedgerTotal>();
        while (reader.Read())
            totals.Add(new LedgerTotal(reader.GetString(0), Enum.Parse<LedgerKind>(reader.GetString(1)), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        return Task.FromResult<IReadOnlyList<LedgerTotal>>(totals);
    }

    public Task<IReadOnlyList<Payment>> ListPaymentsAsync(PaymentFilter filter, CancellationToken ct = default)
    {
        var (sql, parameters) = PaymentsQuery(filter);
        return Task.FromResult(QueryDocs<Payment>(sql, parameters));
    }

    public Task<IReadOnlyList<Booking>> ListDeliveriesDueAsync(DateTimeOffset dueBefore, int limit, CancellationToken ct = default)
    {
        var (sql, parameters) = DeliveriesDueQuery(dueBefore, limit);
        return Task.FromResult(QueryDocs<Booking>(sql, parameters));
    }

    /// <summary>A page in posting order; the next page starts after (posted_at, id) as a row value, so it seeks rather than skips.</summary>
    internal static (string Sql, (string Name, object? Value)[] Parameters) LedgerPageQuery(LedgerFilter f)
    {
        var page = LedgerConditions(f);
        if (f.After is { } after) page.Where("(posted_at, id) > ($afterPosted, $afterId)", ("$afterPosted", after.PostedAt.UtcTicks), ("$afterId", Key(after.Id)));
        return (page.Sql("ledger", "ORDER BY posted_at, id LIMIT $limit"), page.With(("$limit", f.Limit)));
    }

    /// <summary>Debits and credits apart per account and kind, over the entries of the matching transactions (Limit and After ignored).</summary>
    internal static (string Sql, (string Name, object? Value)[] Parameters) LedgerSumQuery(LedgerFilter f)
    {
        var page = LedgerConditions(f);
        var sql = page.Select(
            "account, kind, COALESCE(SUM(CASE WHEN amount_fen > 0 THEN amount_fen END), 0), COALESCE(SUM(CASE WHEN amount_fen < 0 THEN amount_fen END), 0), count(*)",
            "ledger_entries", "GROUP BY account, kind ORDER BY account, kind");
        return (sql, page.With());
    }

    /// <summary>
    /// The same columns, of the same names, in ledger and ledger_entries. One district is an equality: SQLite cannot tell that a
    /// json_each list holds one value, and would sort the district's rows for every page instead of reading its index in order.
    /// </summary>
    private static Page LedgerConditions(LedgerFilter f)
    {
        var page = new Page();
        if (f.Districts is { Count: 1 } one) page.Where("district = $district", ("$district", one.First()));
        else if (f.Districts is { } districts) page.Where("district IN (SELECT value FROM json_each($districts))", ("$districts", StoreJson.Serialize(districts)));
        if (f.SchoolId is { } school) page.Where("school_id = $school", ("$school", Key(school)));
        if (f.ProviderId is { } provider) page.Where("provider_id = $provider", ("$provider", Key(provider)));
        if (f.From is { } from) page.Where("posted_at >= $from", ("$from", from.UtcTicks));
        if (f.Before is { } before) page.Where("posted_at < $before", ("$before", before.UtcTicks));
        return page;
    }

    /// <summary>Newest first (created, then id): a school's (ix_payments_school), a provider's, districts' or all (ix_payments_created).</summary>
    internal static (string Sql, (string Name, object? Value)[] Parameters) PaymentsQuery(PaymentFilter f)
    {
        var page = new Page();
        if (f.SchoolId is { } school) page.Where("json_extract(doc, '$.schoolId') = $school", ("$school", Key(school)));
        if (f.ProviderId is { } provider) page.Where("json_extract(doc, '$.providerId') = $provider", ("$provider", Key(provider)));
        if (f.Districts is { Count: 1 } one) page.Where("json_extract(doc, '$.districtCode') = $district", ("$district", one.First()));
        else if (f.Districts is { } districts)
            page.Where("json_extract(doc, '$.districtCode') IN (SELECT value FROM json_each($districts))", ("$districts", StoreJson.Serialize(districts)));
        if (f.State is { } state) page.Where("json_extract(doc, '$.state') = $state", ("$state", state.ToString()));
        if (f.From is { } from) page.Where("json_extract(doc, '$.createdAt') >= $from", ("$from", StoreJson.FormatTime(from)));
        if (f.Before is { } before) page.Where("json_extract(doc, '$.createdAt') < $before", ("$before", StoreJson.FormatTime(before)));
        return (page.Sql("payments", "ORDER BY json_extract(doc, '$.createdAt') DESC, id DESC LIMIT $limit"), page.With(("$limit", f.Limit)));
    }

    /// <summary>
    /// Stored instants are UTC text (StoreJson), which orders as the instants do (as the expiry sweep compares expiresAt); the
    /// statuses are literals, so the statement is planned on ix_bookings_delivery_due (delivery status, dispute window, id).
    /// </summary>
    internal static (string Sql, (string Name, object? Value)[] Parameters) DeliveriesDueQuery(DateTimeOffset dueBefore, int limit) => (
        $"""
        SELECT doc FROM bookings WHERE json_extract(doc, '$.delivery.status') = '{nameof(DeliveryStatus.Recorded)}'
          AND json_extract(doc, '$.delivery.disputeBy') < $due AND json_extract(doc, '$.status') = '{nameof(BookingStatus.Completed)}'
        ORDER BY json_extract(doc, '$.delivery.disputeBy'), id LIMIT $limit
        """,
        [("$due", StoreJson.FormatTime(dueBefore)), ("$limit", limit)]);
}
