using Marketplace.Core.Persistence;
using Marketplace.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>The embedded store's backup (online, consistent) and restore (exclusive, new epoch).</summary>
public sealed class SqliteBackupTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "marketplace-backup-tests", Guid.NewGuid().ToString("N"));

    private string Database => Path.Combine(_folder, "marketplace.db");

    [Fact]
    public async Task Backup_WhileTheStoreIsOpen_ThenRestore_OnlyOnceItIsClosed_BringsBackTheCopy_WithANewEpoch()
    {
        var backup = Path.Combine(_folder, "backups", "b1.db");
        string before;
        using (var store = Open())
        {
            await store.InitializeAsync();
            before = await store.GetEpochAsync();
            Append(3);
            Assert.Equal(SqliteSchemaLatest(), SqliteBackup.Backup(Database, backup)); // while the store is open and in WAL mode
            Append(2); // after the backup: lost by the restore
            Assert.Equal(5, await store.GetLatestCursorAsync());

            var refused = Assert.Throws<SqliteBackupException>(() => SqliteBackup.Restore(Database, backup));
            Assert.True(refused.InUse);
            Assert.Equal(5, await store.GetLatestCursorAsync()); // nothing changed
            Assert.Throws<SqliteBackupException>(() => SqliteBackup.Backup(Database, backup)); // never overwrites a backup
        }
        SqliteConnection.ClearAllPools();

        var epoch = SqliteBackup.Restore(Database, backup);

        Assert.False(File.Exists(Database + "-wal") && new FileInfo(Database + "-wal").Length > 0);
        using var reopened = Open();
        await reopened.InitializeAsync();
        Assert.Equal(3, await reopened.GetLatestCursorAsync());
        Assert.Equal(epoch, await reopened.GetEpochAsync());
        Assert.NotEqual(before, epoch);
    }

    [Fact]
    public async Task Backup_WhileFourWritersCommit_IsOneConsistentSnapshot()
    {
        using var store = Open();
        await store.InitializeAsync();
        using var stop = new CancellationTokenSource();
        var committed = 0;
        var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested && Volatile.Read(ref committed) < 80_000)
            {
                Append(1);
                Interlocked.Increment(ref committed);
            }
        })).ToArray();
        // Wait for commits rather than for a time: on a slow two-core runner the writers may have committed
        // almost nothing after 200 ms (CI once saw 3 events, none of them before the backup started).
        await WaitUntil(() => Volatile.Read(ref committed) >= 50);
        var backup = Path.Combine(_folder, "busy.db");
        SqliteBackup.Backup(Database, backup);
        var afterBackup = Volatile.Read(ref committed);
        await WaitUntil(() => Volatile.Read(ref committed) >= afterBackup + 50); // the writers go on after the copy
        await stop.CancelAsync();
        await Task.WhenAll(writers);
        var total = Volatile.Read(ref committed);

        using var copy = new SqliteConnection($"Data Source={backup};Mode=ReadOnly;Pooling=false");
        copy.Open();
        using var cmd = copy.CreateCommand();
        cmd.CommandText = "SELECT count(*), coalesce(max(cursor), 0), coalesce(min(cursor), 0) FROM outbox";
        using var reader = cmd.ExecuteReader();
        reader.Read();
        var (count, max, min) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        Assert.True(count > 0 && count < total, $"{count} of {total} events in the backup"); // taken while the writers ran
        Assert.Equal((1L, count), (min, max)); // every committed event up to one point, none after a gap: one snapshot
    }

    [Fact]
    public void Restore_OfAFileThatIsNoMarketplaceDatabase_IsRefused_AndLeavesTheStoreAlone()
    {
        Directory.CreateDirectory(_folder);
        var junk = Path.Combine(_folder, "junk.db");
        File.WriteAllText(junk, "not a database at all, but long enough to look like one to a careless check");
        var empty = Path.Combine(_folder, "empty.db");
        using (var connection = new SqliteConnection($"Data Source={empty};Pooling=false"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "CREATE TABLE t (x)";
            cmd.ExecuteNonQuery();
        }

        Assert.Contains("not a readable SQLite database", Assert.Throws<SqliteBackupException>(() => SqliteBackup.Restore(Database, junk)).Message, StringComparison.Ordinal);
        Assert.Contains("not a marketplace database", Assert.Throws<SqliteBackupException>(() => SqliteBackup.Restore(Database, empty)).Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Database));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the writers committed too little within 60 s");
            await Task.Delay(10);
        }
    }

    private SqliteMarketplaceStore Open() => new(Options.Create(new SqliteStoreOptions { DatabasePath = Database }), []);

    private static int SqliteSchemaLatest() => SqliteSchema.Latest;

    private void Append(int events)
    {
        using var connection = new SqliteConnection($"Data Source={Database};Pooling=false");
        connection.Open();
        for (var i = 0; i < events; i++)
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "INSERT INTO outbox (id, type, at, audiences, data) VALUES ($id, 't', '2026-01-01T00:00:00+00:00', '[]', '{}')";
            cmd.Parameters.AddWithValue("$id", Guid.NewGuid().ToString());
            cmd.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
