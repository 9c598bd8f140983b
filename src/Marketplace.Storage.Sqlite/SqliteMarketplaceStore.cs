using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Marketplace.Core.Booking;
using Marketplace.Core.Catalog;
using Marketplace.Core.Events;
using Marketplace.Core.Identity;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// Embedded store: one SQLite file in WAL mode with synchronous=FULL, so an acknowledged commit survives
/// a crash. Aggregates are JSON documents; write transactions start with BEGIN IMMEDIATE.
/// </summary>
internal sealed partial class SqliteMarketplaceStore : IMarketplaceStore
{
    // One writer at a time per file inside this process: waiting here is cheaper than SQLite's busy retry loop.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> WriteGates = new(StringComparer.Ordinal);

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate;

    public SqliteMarketplaceStore(IOptions<SqliteStoreOptions> options)
    {
        var path = Path.GetFullPath(options.Value.DatabasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Cache = SqliteCacheMode.Private, Pooling = true, DefaultTimeout = 30,
        }.ToString();
        _writeGate = WriteGates.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
    }

    public Task InitializeAsync(CancellationToken ct = default)
    {
        var directory = Path.GetDirectoryName(new SqliteConnectionStringBuilder(_connectionString).DataSource);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        using var connection = OpenForWrite();
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "PRAGMA journal_mode = WAL;";
            cmd.ExecuteNonQuery();
        }
        SqliteSchema.Migrate(connection);
        return Task.CompletedTask;
    }

    public Task<bool> IsHealthyAsync(CancellationToken ct = default)
    {
        try
        {
            using var connection = Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT count(*) FROM checkpoints";
            cmd.ExecuteScalar();
            return Task.FromResult(true);
        }
        catch (SqliteException)
        {
            return Task.FromResult(false);
        }
    }

    public async Task CommitAsync(StoreChanges changes, CancellationToken ct = default)
    {
        if (changes.IsEmpty) return;
        await _writeGate.WaitAsync(ct);
        try
        {
            using var connection = OpenForWrite();
            using var tx = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE
            var writer = new SqliteChangeWriter(connection, tx);
            writer.Apply(changes);
            tx.Commit();
        }
        finally
        {
            _writeGate.Release();
        }
    }

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

    public Task<IReadOnlyList<Provider>> ListProvidersAsync(ProviderStatus? status, CancellationToken ct = default) =>
        Task.FromResult(QueryDocs<Provider>(
            "SELECT doc FROM providers WHERE $s IS NULL OR json_extract(doc, '$.status') = $s ORDER BY id",
            ("$s", status?.ToString())));

    public Task<IReadOnlyList<Offering>> ListOfferingsAsync(Guid? providerId, OfferingStatus? status, CancellationToken ct = default) =>
        Task.FromResult(QueryDocs<Offering>(
            "SELECT doc FROM offerings WHERE ($p IS NULL OR json_extract(doc, '$.providerId') = $p) AND ($s IS NULL OR json_extract(doc, '$.status') = $s) ORDER BY id",
            ("$p", providerId is { } p ? Key(p) : null), ("$s", status?.ToString())));

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

    public Task<IReadOnlyList<Session>> ListSessionsAsync(Guid offeringId, CancellationToken ct = default) =>
        Task.FromResult(QueryDocs<Session>(
            "SELECT doc FROM sessions WHERE json_extract(doc, '$.offeringId') = $o ORDER BY json_extract(doc, '$.startsAt')",
            ("$o", Key(offeringId))));

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

    public Task<IReadOnlyList<Booking>> ListBookingsAsync(BookingFilter f, CancellationToken ct = default) =>
        Task.FromResult(QueryDocs<Booking>(
            """
            SELECT doc FROM bookings WHERE
                ($school IS NULL OR json_extract(doc, '$.schoolId') = $school)
            AND ($provider IS NULL OR json_extract(doc, '$.providerId') = $provider)
            AND ($offering IS NULL OR json_extract(doc, '$.offeringId') = $offering)
            AND ($session IS NULL OR json_extract(doc, '$.sessionId') = $session)
            AND ($districts IS NULL OR json_extract(doc, '$.districtCode') IN (SELECT value FROM json_each($districts)))
            AND ($status IS NULL OR json_extract(doc, '$.status') = $status)
            AND ($expires IS NULL OR json_extract(doc, '$.expiresAt') < $expires)
            ORDER BY id DESC LIMIT $limit
            """,
            ("$school", f.SchoolId is { } s ? Key(s) : null), ("$provider", f.ProviderId is { } p ? Key(p) : null),
            ("$offering", f.OfferingId is { } o ? Key(o) : null), ("$session", f.SessionId is { } se ? Key(se) : null),
            ("$districts", f.Districts is null ? null : StoreJson.Serialize(f.Districts)), ("$status", f.Status?.ToString()),
            ("$expires", f.ExpiresBefore is { } e ? StoreJson.FormatTime(e) : null), ("$limit", f.Limit)));

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
        using var cmd = Command(connection, "SELECT request_hash, status_code, response, created_at FROM idempotency WHERE scope = $s AND key = $k", ("$s", scope), ("$k", key));
        using var reader = cmd.ExecuteReader();
        IdempotencyRecord? record = reader.Read()
            ? new IdempotencyRecord(scope, key, reader.GetString(0), reader.GetInt32(1), reader.GetString(2), DateTimeOffset.Parse(reader.GetString(3), System.Globalization.CultureInfo.InvariantCulture))
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

    public Task<long> GetLatestCursorAsync(CancellationToken ct = default)
    {
        using var connection = Open();
        using var cmd = Command(connection, "SELECT coalesce(max(cursor), 0) FROM outbox");
        return Task.FromResult((long)cmd.ExecuteScalar()!);
    }

    public Task<long> GetCheckpointAsync(string consumer, CancellationToken ct = default)
    {
        using var connection = Open();
        using var cmd = Command(connection, "SELECT cursor FROM checkpoints WHERE consumer = $c", ("$c", consumer));
        return Task.FromResult(cmd.ExecuteScalar() is long cursor ? cursor : 0L);
    }

    public async Task SetCheckpointAsync(string consumer, long cursor, CancellationToken ct = default)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            using var connection = OpenForWrite();
            using var cmd = Command(connection,
                "INSERT INTO checkpoints (consumer, cursor) VALUES ($c, $v) ON CONFLICT (consumer) DO UPDATE SET cursor = max(cursor, excluded.cursor)",
                ("$c", consumer), ("$v", cursor));
            cmd.ExecuteNonQuery();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<bool> TryAdvanceCheckpointAsync(string consumer, long expected, long next, CancellationToken ct = default)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            using var connection = OpenForWrite();
            using var tx = connection.BeginTransaction(deferred: false);
            using var read = Command(connection, "SELECT cursor FROM checkpoints WHERE consumer = $c", ("$c", consumer));
            read.Transaction = tx;
            if ((read.ExecuteScalar() as long? ?? 0L) != expected) return false;
            using var write = Command(connection,
                "INSERT INTO checkpoints (consumer, cursor) VALUES ($c, $v) ON CONFLICT (consumer) DO UPDATE SET cursor = excluded.cursor",
                ("$c", consumer), ("$v", next));
            write.Transaction = tx;
            write.ExecuteNonQuery();
            tx.Commit();
            return true;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    internal static string Key(Guid id) => id.ToString("D");

    /// <summary>A pooled connection for reads: WAL readers never wait for the writer, so nothing to set.</summary>
    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>
    /// A connection for a write transaction. synchronous=FULL makes each commit durable; busy_timeout lets SQLite itself
    /// wait (in short steps) for another process's writer, instead of the provider's coarse 150 ms retry sleeps.
    /// </summary>
    private SqliteConnection OpenForWrite()
    {
        var connection = Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000;";
        cmd.ExecuteNonQuery();
        return connection;
    }

    internal static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    private IReadOnlyList<T> QueryDocs<T>(string sql, params (string Name, object? Value)[] parameters) =>
        QueryRows(sql.Replace("SELECT doc", "SELECT '' AS row_key, doc", StringComparison.Ordinal), parameters)
            .Select(r => StoreJson.Deserialize<T>(r.Doc)).ToList();

    private List<(string Id, string Doc)> QueryRows(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = Open();
        using var cmd = Command(connection, sql, parameters);
        using var reader = cmd.ExecuteReader();
        var rows = new List<(string, string)>();
        while (reader.Read()) rows.Add((reader.GetString(0), reader.GetString(1)));
        return rows;
    }
}
