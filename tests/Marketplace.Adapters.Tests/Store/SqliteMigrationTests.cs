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

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
