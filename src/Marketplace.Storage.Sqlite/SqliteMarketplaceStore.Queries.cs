using System.Runtime.CompilerServices;
using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Storage.Sqlite;

/// <summary>The named read queries of the store port.</summary>
internal sealed partial class SqliteMarketplaceStore
{
    public Task<T?> FindAsync<T>(Guid id, CancellationToken ct = default) where T : class, IAggregate =>
        Task.FromResult(QueryDocs<T>($"SELECT doc FROM {DocumentKinds.Of<T>()} WHERE id = $id", ("$id", Key(id))).FirstOrDefault());

    public Task<IReadOnlyList<T>> FindManyAsync<T>(IReadOnlyCollection<Guid> ids, CancellationToken ct = default) where T : class, IAggregate
    {
        if (ids.Count == 0) return Task.FromResult<IReadOnlyList<T>>([]);
        return Task.FromResult(QueryDocs<T>(
            $"SELECT doc FROM {DocumentKinds.Of<T>()} WHERE id IN (SELECT value FROM json_each($ids))",
            ("$ids", StoreJson.Serialize(ids.Select(Key)))));
    }

    public Task<User?> FindUserAsync(string username, CancellationToken ct = default) =>
        Task.FromResult(QueryDocs<User>("SELECT doc FROM users WHERE json_extract(doc, '$.username') = $u",
            ("$u", User.NormalizeUsername(username))).FirstOrDefault());

    public Task<Provider?> FindProviderByCreditCodeAsync(string creditCode, CancellationToken ct = default) =>
        Task.FromResult(QueryDocs<Provider>("SELECT doc FROM providers WHERE json_extract(doc, '$.creditCode') = $c",
            ("$c", CreditCode.Normalize(creditCode))).FirstOrDefault());

    public Task<IReadOnlyList<Offering>> ListOfferingsAsync(Guid? providerId, OfferingStatus? status, CancellationToken ct = default)
    {
        var (sql, parameters) = SqliteListQueries.Offerings(providerId, status);
        return Task.FromResult(QueryDocs<Offering>(sql, parameters));
    }

    public async IAsyncEnumerable<Offering> StreamOfferingsAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        var after = "";
        while (true)
        {
            var page = QueryRows("SELECT id, doc FROM offerings WHERE id > $after ORDER BY id LIMIT 500", ("$after", after));
            if (page.Count == 0) yield break;
            foreach (var (id, doc) in page)
            {
                ct.ThrowIfCancellationRequested();
                yield return StoreJson.Deserialize<Offering>(doc);
                after = id;
            }
            await Task.Yield();
        }
    }

    public Task<IReadOnlyList<Session>> ListSessionsForOfferingsAsync(IReadOnlyCollection<Guid> offeringIds, DateTimeOffset endsAfter, CancellationToken ct = default) =>
        Task.FromResult(QueryDocs<Session>(
            """
            SELECT doc FROM sessions WHERE json_extract(doc, '$.offeringId') IN (SELECT value FROM json_each($ids))
              AND json_extract(doc, '$.endsAt') > $after ORDER BY json_extract(doc, '$.startsAt')
            """,
            ("$ids", StoreJson.Serialize(offeringIds.Select(Key))), ("$after", StoreJson.FormatTime(endsAfter))));

    public Task<IReadOnlyList<School>> ListSchoolsAsync(CancellationToken ct = default) =>
        Task.FromResult(QueryDocs<School>("SELECT doc FROM schools ORDER BY id"));

    public Task<SchoolPlan?> FindSchoolPlanAsync(Guid schoolId, string semester, CancellationToken ct = default) =>
        Task.FromResult(QueryDocs<SchoolPlan>(
            "SELECT doc FROM school_plans WHERE json_extract(doc, '$.schoolId') = $s AND json_extract(doc, '$.semester') = $t",
            ("$s", Key(schoolId)), ("$t", semester)).FirstOrDefault());

    public Task<IReadOnlyList<Booking>> ListBookingsAsync(BookingFilter f, CancellationToken ct = default)
    {
        var (sql, parameters) = SqliteListQueries.Bookings(f);
        return Task.FromResult(QueryDocs<Booking>(sql, parameters));
    }

    public Task<long> SumCommittedFenAsync(Guid schoolId, DateTimeOffset startsFrom, DateTimeOffset startsBefore, CancellationToken ct = default)
    {
        using var connection = Open();
        using var cmd = Command(connection, """
            SELECT COALESCE(SUM(CASE json_extract(doc, '$.status')
                WHEN 'Requested' THEN json_extract(doc, '$.quote.totalFen')
                WHEN 'Confirmed' THEN json_extract(doc, '$.quote.totalFen')
                WHEN 'Completed' THEN COALESCE(json_extract(doc, '$.quote.unitPriceFen') * json_extract(doc, '$.attended'), json_extract(doc, '$.quote.totalFen'))
                ELSE 0 END), 0)
            FROM bookings
            WHERE json_extract(doc, '$.schoolId') = $school AND json_extract(doc, '$.sessionStartsAt') >= $from AND json_extract(doc, '$.sessionStartsAt') < $before
            """, ("$school", Key(schoolId)), ("$from", StoreJson.FormatTime(startsFrom)), ("$before", StoreJson.FormatTime(startsBefore)));
        return Task.FromResult(Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    public Task<int> CountBookingsForSessionAsync(Guid sessionId, CancellationToken ct = default)
    {
        using var connection = Open();
        using var cmd = Command(connection, "SELECT count(*) FROM bookings WHERE json_extract(doc, '$.sessionId') = $s", ("$s", Key(sessionId)));
        return Task.FromResult(Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    public Task<IReadOnlyList<District>> ListDistrictsAsync(CancellationToken ct = default) =>
        Task.FromResult(QueryDocs<District>("SELECT doc FROM districts ORDER BY code"));

    public Task<IdempotencyRecord?> FindIdempotencyAsync(string scope, string key, CancellationToken ct = default)
    {
        using var connection = Open();
        using var cmd = Command(connection, "SELECT request_hash, result_id, response, created_at FROM idempotency WHERE scope = $s AND key = $k", ("$s", scope), ("$k", key));
        using var reader = cmd.ExecuteReader();
        IdempotencyRecord? record = reader.Read()
            ? new IdempotencyRecord(scope, key, reader.GetString(0), Guid.Parse(reader.GetString(1)), reader.GetString(2), DateTimeOffset.Parse(reader.GetString(3), System.Globalization.CultureInfo.InvariantCulture))
            : null;
        return Task.FromResult(record);
    }

    public Task<IReadOnlyList<OutboxMessage>> ReadEventsAsync(long afterCursor, IReadOnlyCollection<string>? audiences, int limit, CancellationToken ct = default)
    {
        using var connection = Open();
        using var cmd = audiences is null
            ? Command(connection, "SELECT cursor, id, type, at, audiences, data FROM outbox WHERE cursor > $after ORDER BY cursor LIMIT $n", ("$after", afterCursor), ("$n", limit))
            : Command(connection, """
                SELECT cursor, id, type, at, audiences, data FROM outbox WHERE cursor IN (
                  SELECT DISTINCT cursor FROM outbox_audiences WHERE audience IN (SELECT value FROM json_each($aud)) AND cursor > $after
                  ORDER BY cursor LIMIT $n) ORDER BY cursor
                """, ("$aud", StoreJson.Serialize(audiences)), ("$after", afterCursor), ("$n", limit));
        using var reader = cmd.ExecuteReader();
        var list = new List<OutboxMessage>();
        while (reader.Read())
        {
            list.Add(new OutboxMessage(Guid.Parse(reader.GetString(1)), reader.GetString(2),
                DateTimeOffset.Parse(reader.GetString(3), System.Globalization.CultureInfo.InvariantCulture),
                StoreJson.Deserialize<string[]>(reader.GetString(4)), reader.GetString(5)) { Cursor = reader.GetInt64(0) });
        }
        return Task.FromResult<IReadOnlyList<OutboxMessage>>(list);
    }
}
