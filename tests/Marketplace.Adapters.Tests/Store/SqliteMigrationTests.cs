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

    /// <summary>
    /// Migration 10 (issue 16): a file of schema version 8 holding bookings of two semesters in every status gets booking_report filled
    /// from them (the backfill), so each semester's tally read from it equals the grouping of the stored documents; a booking moved
    /// afterwards is kept by the triggers the migration created.
    /// </summary>
    [Fact]
    public async Task BookingsOfSchemaVersion8_AreGroupedIntoTheReportTable_ByMigration9()
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "v8.db");
        var random = new Random(9);
        var (schools, providers) = (new[] { Guid.NewGuid(), Guid.NewGuid() }, new[] { Guid.NewGuid() });
        var semester = new Marketplace.Core.Schools.Semester(2026, 1);
        var previous = new Marketplace.Core.Schools.Semester(2025, 2);
        var bookings = Enumerable.Range(0, 60).Select(n => StoreContract.RequestedBooking(random, n,
            (n % 2 == 0 ? semester : previous).Start.AddDays(random.Next(0, 140)), schools, providers)).ToList();
        foreach (var (booking, n) in bookings.Select((b, n) => (b, n)))
        {
            var at = booking.SessionStartsAt.AddDays(-9);
            if (n % 5 == 0) { booking.Decline("满了", at, "provider:u"); continue; }
            booking.Confirm(at, "provider:u");
            if (n % 5 == 1) continue;
            booking.Complete(n % 4 == 0 ? 0 : 1 + n % 20, booking.SessionStartsAt.AddHours(2), "provider:u");
            if (n % 3 == 0) booking.ConfirmDelivery(null, booking.SessionStartsAt.AddHours(3), "school:u");
        }
        var store = new SqliteMarketplaceStore(Options.Create(new SqliteStoreOptions { DatabasePath = path }), []);
        await store.InitializeAsync();
        await store.CommitAsync(bookings.Aggregate(new Marketplace.Core.Persistence.StoreChanges(), (c, b) => c.Insert(b)));
        // The file as schema version 8 left it: no report table, triggers or index of migration 10.
        using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = """
                DROP TRIGGER tr_bookings_report_insert; DROP TRIGGER tr_bookings_report_update; DROP TRIGGER tr_bookings_report_delete;
                DROP INDEX ix_bookings_confirmed_start; DROP TABLE booking_report; PRAGMA user_version = 8;
                """;
            cmd.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();

        var upgraded = new SqliteMarketplaceStore(Options.Create(new SqliteStoreOptions { DatabasePath = path }), []);
        await upgraded.InitializeAsync();

        using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT sum(bookings) FROM booking_report";
            Assert.Equal(60L, (long)cmd.ExecuteScalar()!);
        }
        foreach (var s in new[] { semester, previous })
        {
            var filter = new Marketplace.Core.Persistence.BookingTallyFilter(["110101", "110102"], s.Start, s.End, s.Start.AddDays(60));
            Assert.Equal(StoreContract.ExpectedTallies(bookings, filter), (await upgraded.TallyBookingsAsync(filter)).OrderBy(StoreContract.Order).ToList());
        }
        var moved = bookings.First(b => b.Status == Marketplace.Core.Bookings.BookingStatus.Confirmed);
        var version = moved.Version;
        moved.Complete(7, moved.SessionStartsAt.AddHours(2), "provider:u");
        await upgraded.CommitAsync(new Marketplace.Core.Persistence.StoreChanges().Update(moved, version));
        var of = Marketplace.Core.Schools.Semester.Of(moved.SessionStartsAt);
        var after = new Marketplace.Core.Persistence.BookingTallyFilter(["110101", "110102"], of.Start, of.End, of.Start.AddDays(60));
        Assert.Equal(StoreContract.ExpectedTallies(bookings, after), (await upgraded.TallyBookingsAsync(after)).OrderBy(StoreContract.Order).ToList());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
