using Marketplace.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>A data folder written by an earlier version opens and keeps what it held.</summary>
public sealed class SqliteMigrationTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "marketplace-migration-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task AnIdempotencyRecordOfSchemaVersion1_KeepsItsAnswer_AndNamesTheBookingItCreated_AndCheckpointsStillHoldEvents()
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "old.db");
        var bookingId = Guid.NewGuid();
        using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = $$"""
                CREATE TABLE idempotency (scope TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, status_code INTEGER NOT NULL, response TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (scope, key));
                CREATE TABLE checkpoints (consumer TEXT PRIMARY KEY, cursor INTEGER NOT NULL);
                INSERT INTO checkpoints VALUES ('index', 42);
                CREATE TABLE bookings (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
                CREATE TABLE offerings (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
                CREATE TABLE providers (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
                CREATE TABLE users (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
                CREATE TABLE schools (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
                CREATE TABLE outbox (cursor INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, at TEXT NOT NULL, audiences TEXT NOT NULL, data TEXT NOT NULL);
                CREATE TABLE outbox_audiences (audience TEXT NOT NULL, cursor INTEGER NOT NULL, PRIMARY KEY (audience, cursor)) WITHOUT ROWID;
                INSERT INTO outbox VALUES (41, '00000000-0000-0000-0000-000000000041', 't', '2026-01-01T00:00:00+00:00', '["public"]', '{}'), (43, '00000000-0000-0000-0000-000000000043', 't', '2026-01-01T00:00:00+00:00', '["public"]', '{}'),
                  (44, '00000000-0000-0000-0000-000000000044', 't', '2026-01-01T00:00:00+00:00', '["public"]', '{}');
                INSERT INTO outbox_audiences VALUES ('public', 41), ('public', 43), ('public', 44);
                INSERT INTO idempotency VALUES ('booking', 'k1', 'h1', 201, '{"id":"{{bookingId}}","status":"Requested"}', '2026-11-01T00:00:00+00:00');
                PRAGMA user_version = 1;
                """;
            cmd.ExecuteNonQuery();
        }

        var store = new SqliteMarketplaceStore(Options.Create(new SqliteStoreOptions { DatabasePath = path }), []);
        await store.InitializeAsync();
        var record = await store.FindIdempotencyAsync("booking", "k1");

        Assert.NotNull(record);
        Assert.Equal(bookingId, record.ResultId);
        Assert.Equal($$"""{"id":"{{bookingId}}","status":"Requested"}""", record.ResponseJson);
        Assert.Equal("h1", record.RequestHash);
        Assert.Equal(42, await store.GetCheckpointAsync("index"));
        // The upgrade counts every checkpoint as moved just now: retention keeps what a consumer has still to read.
        var pruned = await store.PruneAsync(new Marketplace.Core.Persistence.RetentionCutoffs(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(-10)));
        Assert.Equal(1, pruned.EventsDeleted);
        Assert.Equal([43L, 44], (await store.ReadEventsAsync(0, null, 10)).Select(e => e.Cursor));
    }

    /// <summary>
    /// Migration 4 (issue 12): a provider written before the per-district white list gets one entry per district it applied to,
    /// in its old status and with its old decisions (as JSON, not text), so a query over the entries finds it; the school code
    /// is unique where present, and many schools without one coexist.
    /// </summary>
    [Fact]
    public async Task AProviderOfSchemaVersion3_IsFoundByDistrictInItsEntries_AndSchoolCodesAreUnique()
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "v3.db");
        var providerId = Guid.NewGuid();
        using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = $$"""
                CREATE TABLE users (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
                CREATE TABLE schools (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
                CREATE TABLE providers (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
                CREATE INDEX ix_providers_status ON providers (json_extract(doc, '$.status'), id);
                INSERT INTO providers VALUES ('{{providerId}}', 2, '{"id":"{{providerId}}","version":2,"name":"x","kind":"Library","creditCode":"91110000802100433B","contactName":"王","contactPhone":"13800000000","districts":["110105","110101"],"status":"Approved","registeredAt":"2026-11-01T00:00:00Z","decisions":[{"status":"Pending","at":"2026-11-01T00:00:00Z","by":"Provider:x"},{"status":"Approved","at":"2026-11-02T00:00:00Z","by":"Bureau:bureau"}]}');
                INSERT INTO schools VALUES ('{{Guid.NewGuid()}}', 1, '{"name":"a","districtCode":"110101"}'), ('{{Guid.NewGuid()}}', 1, '{"name":"b","districtCode":"110101"}');
                PRAGMA user_version = 3;
                """;
            cmd.ExecuteNonQuery();
        }

        var store = new SqliteMarketplaceStore(Options.Create(new SqliteStoreOptions { DatabasePath = path }), []);
        await store.InitializeAsync();

        using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            using var find = connection.CreateCommand();
            find.CommandText = """
                SELECT id, json_extract(doc, '$.homeDistrict'), json_type(doc, '$.approvals[1].decisions') FROM providers
                WHERE EXISTS (SELECT 1 FROM json_each(doc, '$.approvals') a
                              WHERE json_extract(a.value, '$.district') = '110101' AND json_extract(a.value, '$.status') = 'Approved')
                """;
            using (var reader = find.ExecuteReader())
            {
                Assert.True(reader.Read(), "the provider is not found by its entry in 110101");
                Assert.Equal(providerId.ToString(), reader.GetString(0));
                Assert.Equal("110105", reader.GetString(1));
                Assert.Equal("array", reader.GetString(2));
            }

            using var insert = connection.CreateCommand();
            insert.CommandText = $$"""
                INSERT INTO schools VALUES ('{{Guid.NewGuid()}}', 1, '{"name":"c","schoolCode":"2111000001"}');
                INSERT INTO schools VALUES ('{{Guid.NewGuid()}}', 1, '{"name":"d","schoolCode":"2111000001"}');
                """;
            var duplicate = Assert.Throws<SqliteException>(() => insert.ExecuteNonQuery());
            Assert.Equal("schoolCode", SqliteChangeWriter.Duplicate(duplicate).Field);
        }

        var loaded = await store.FindAsync<Marketplace.Core.Catalog.Provider>(providerId);
        Assert.NotNull(loaded);
        Assert.Equal(["110105", "110101"], loaded.Approvals.Select(a => a.District));
        Assert.Equal(2, loaded.Approvals[1].Decisions.Count);
    }

    /// <summary>
    /// Migration 5 (issue 13): a file of schema version 4 gets the booking-series and waiting-list tables with every index, keeps
    /// its bookings, and allows one live waiting-list entry per school and session (finished entries, without an active key, many).
    /// </summary>
    [Fact]
    public async Task AFileOfSchemaVersion4_GetsTheSeriesAndWaitlistTablesAndIndexes_AndKeepsItsBookings()
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "v4.db");
        var bookingId = Guid.NewGuid();
        using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = $$"""
                CREATE TABLE sessions (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
                CREATE TABLE bookings (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
                INSERT INTO bookings VALUES ('{{bookingId}}', 1, '{"id":"{{bookingId}}","version":1,"schoolId":"s","sessionStartsAt":"2026-12-01T07:40:00Z"}');
                PRAGMA user_version = 4;
                """;
            cmd.ExecuteNonQuery();
        }

        var store = new SqliteMarketplaceStore(Options.Create(new SqliteStoreOptions { DatabasePath = path }), []);
        await store.InitializeAsync();

        using var check = new SqliteConnection($"Data Source={path}");
        check.Open();
        using (var version = check.CreateCommand())
        {
            version.CommandText = "PRAGMA user_version";
            Assert.True((long)version.ExecuteScalar()! >= 5);
        }
        using (var indexes = check.CreateCommand())
        {
            indexes.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            using var reader = indexes.ExecuteReader();
            var names = new List<string>();
            while (reader.Read()) names.Add(reader.GetString(0));
            Assert.Superset(new HashSet<string>
            {
                "ix_series_school", "ix_series_provider", "ix_series_district_status", "ix_series_status_expiry",
                "ix_waitlist_session_status", "ux_waitlist_active", "ix_waitlist_status_held", "ix_waitlist_school",
                "ix_sessions_status_start", "ix_bookings_school_start",
            }, names.ToHashSet());
        }
        using (var kept = check.CreateCommand())
        {
            kept.CommandText = "SELECT count(*) FROM bookings";
            Assert.Equal(1L, (long)kept.ExecuteScalar()!);
        }

        using var insert = check.CreateCommand();
        insert.CommandText = $$"""
            INSERT INTO booking_series VALUES ('{{Guid.NewGuid()}}', 1, '{"schoolId":"s","status":"Requested"}');
            INSERT INTO waitlist VALUES ('{{Guid.NewGuid()}}', 1, '{"status":"Left"}'), ('{{Guid.NewGuid()}}', 1, '{"status":"Lapsed"}');
            INSERT INTO waitlist VALUES ('{{Guid.NewGuid()}}', 1, '{"status":"Waiting","activeKey":"a:b"}');
            """;
        insert.ExecuteNonQuery();
        using var duplicate = check.CreateCommand();
        duplicate.CommandText = $$"""INSERT INTO waitlist VALUES ('{{Guid.NewGuid()}}', 1, '{"status":"Held","activeKey":"a:b"}')""";
        var e = Assert.Throws<SqliteException>(() => duplicate.ExecuteNonQuery());
        Assert.Equal("activeKey", SqliteChangeWriter.Duplicate(e).Field);
    }

    /// <summary>
    /// Migration 6 (issue 15): a file of schema version 5 gets the settlement tables with the ledger's columns and every index,
    /// keeps its bookings, and a ledger transaction committed through the store is listed and summed from them.
    /// </summary>
    [Fact]
    public async Task AFileOfSchemaVersion5_GetsTheLedgerPaymentsAndPolicyTables_AndPostsToTheLedger()
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "v5.db");
        var bookingId = Guid.NewGuid();
        using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = $$"""
                CREATE TABLE sessions (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
                CREATE TABLE bookings (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
                INSERT INTO bookings VALUES ('{{bookingId}}', 1, '{"id":"{{bookingId}}","version":1,"status":"Confirmed"}');
                PRAGMA user_version = 5;
                """;
            cmd.ExecuteNonQuery();
        }

        var store = new SqliteMarketplaceStore(Options.Create(new SqliteStoreOptions { DatabasePath = path }), []);
        await store.InitializeAsync();
        var school = Guid.NewGuid();
        var at = new DateTimeOffset(2026, 10, 9, 8, 0, 0, TimeSpan.Zero);
        var posted = Marketplace.Core.Settlement.LedgerTransaction.Post("payment:1", Marketplace.Core.Settlement.LedgerKind.Payment, at, "110101",
            [new("cash:" + school.ToString("N"), -500), new("provider-payable:x", 500)], "m", school);
        await store.CommitAsync(new Marketplace.Core.Persistence.StoreChanges().Insert(posted));

        Assert.Equal([posted.Id], (await store.ListLedgerAsync(new(Districts: ["110101"], From: at, Before: at.AddTicks(1)))).Select(t => t.Id));
        Assert.Equal([-500L, 500L], (await store.SumLedgerAsync(new(SchoolId: school))).Select(t => t.NetFen));
        using var check = new SqliteConnection($"Data Source={path}");
        check.Open();
        using (var version = check.CreateCommand())
        {
            version.CommandText = "PRAGMA user_version";
            Assert.True((long)version.ExecuteScalar()! >= 6);
        }
        using (var indexes = check.CreateCommand())
        {
            indexes.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            using var reader = indexes.ExecuteReader();
            var names = new List<string>();
            while (reader.Read()) names.Add(reader.GetString(0));
            Assert.Superset(new HashSet<string>
            {
                "ix_ledger_district", "ix_ledger_school", "ix_ledger_provider", "ix_ledger_posted", "ix_ledger_entries_district",
                "ix_ledger_entries_school", "ix_ledger_entries_provider", "ix_ledger_entries_posted", "ix_payments_school",
                "ix_payments_provider", "ix_payments_district", "ix_payments_created", "ix_bookings_delivery_due",
            }, names.ToHashSet());
        }
        using var counts = check.CreateCommand();
        counts.CommandText = "SELECT (SELECT count(*) FROM bookings), (SELECT count(*) FROM ledger_entries), (SELECT count(*) FROM funding_policies) + (SELECT count(*) FROM payments)";
        using var row = counts.ExecuteReader();
        Assert.True(row.Read());
        Assert.Equal((1L, 2L, 0L), (row.GetInt64(0), row.GetInt64(1), row.GetInt64(2)));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
