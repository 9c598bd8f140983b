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

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
