using Marketplace.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>A data folder written by an earlier version opens and keeps what it held.</summary>
public sealed class SqliteMigrationTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "marketplace-migration-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task AnIdempotencyRecordOfSchemaVersion1_KeepsItsAnswer_AndNamesTheBookingItCreated()
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
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
