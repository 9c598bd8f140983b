using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>Why a backup or restore was not done; the message is for the operator.</summary>
public sealed class SqliteBackupException(string message, bool inUse = false) : Exception(message)
{
    /// <summary>A process uses the database: nothing was changed.</summary>
    public bool InUse { get; } = inUse;
}

/// <summary>
/// The embedded store's backup and restore (the <c>backup</c> and <c>restore</c> commands). A backup is SQLite's online
/// backup of the live file — one consistent snapshot, taken while hosts keep writing — compacted into a single
/// self-contained file. A restore needs the database to itself (<see cref="SqliteDataLock"/>), replaces it and writes a new
/// epoch, so every search index built from the previous history is rebuilt at the next start.
/// </summary>
public static class SqliteBackup
{
    /// <summary>Copies the database at <paramref name="databasePath"/> to the new file <paramref name="file"/>; returns its schema version.</summary>
    public static int Backup(string databasePath, string file)
    {
        if (!File.Exists(databasePath)) throw new SqliteBackupException($"No database at {databasePath}.");
        if (File.Exists(file)) throw new SqliteBackupException($"{file} exists already: choose a new file name.");
        var target = Path.GetFullPath(file);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = target + ".partial";
        File.Delete(temp);
        try
        {
            using (var source = Connect(databasePath, SqliteOpenMode.ReadOnly))
            using (var copy = Connect(temp, SqliteOpenMode.ReadWriteCreate))
            {
                source.BackupDatabase(copy); // one step: a single read transaction, so one consistent snapshot
                Execute(copy, "PRAGMA journal_mode = DELETE"); // one file, no -wal beside it
            }
            var version = Check(temp);
            File.Move(temp, target);
            return version;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Replaces the database at <paramref name="databasePath"/> with the backup <paramref name="file"/>, migrates it and writes
    /// a new epoch (returned), dropping the backup's leases. Refused (<see cref="SqliteBackupException.InUse"/>) while any process holds the database.
    /// The old file is checkpointed and its -wal/-shm removed before the backup is moved in, so a crash at any step leaves
    /// either the old database or the restored one, never a write-ahead log of one applied to the other.
    /// </summary>
    public static string Restore(string databasePath, string file)
    {
        if (!File.Exists(file)) throw new SqliteBackupException($"No backup at {file}.");
        Check(file);
        var path = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var exclusive = SqliteDataLock.TryTakeExclusive(path) ?? throw new SqliteBackupException(
            $"{path} is in use (a host or a command runs on it, holding {SqliteDataLock.PathOf(path)}): stop it, then restore. Nothing was changed.", inUse: true);
        var incoming = path + ".restoring";
        File.Copy(file, incoming, overwrite: true);
        if (File.Exists(path))
        {
            using var old = Connect(path, SqliteOpenMode.ReadWrite);
            Execute(old, "PRAGMA wal_checkpoint(TRUNCATE)");
        }
        File.Delete(path + "-wal");
        File.Delete(path + "-shm");
        File.Move(incoming, path, overwrite: true);
        using var restored = Connect(path, SqliteOpenMode.ReadWrite);
        Execute(restored, "PRAGMA journal_mode = WAL");
        SqliteSchema.Migrate(restored);
        // The backup's leases name the processes that ran when it was taken; none runs now (the lock above), so the first
        // host to start takes the outbox consumers over at once instead of waiting up to a lease's time for them to run out.
        Execute(restored, "DELETE FROM leases");
        return SqliteEpoch.WriteNew(restored);
    }

    /// <summary>The file is an intact marketplace database of a schema this code knows; returns its version.</summary>
    private static int Check(string file)
    {
        try
        {
            using var connection = Connect(file, SqliteOpenMode.ReadOnly);
            using var check = SqliteMarketplaceStore.Command(connection, "PRAGMA quick_check");
            if (check.ExecuteScalar() as string != "ok") throw new SqliteBackupException($"{file} is damaged (PRAGMA quick_check failed).");
            using var version = SqliteMarketplaceStore.Command(connection, "PRAGMA user_version");
            var v = Convert.ToInt32(version.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            using var outbox = SqliteMarketplaceStore.Command(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'outbox'");
            if (v < 1 || (long)outbox.ExecuteScalar()! == 0) throw new SqliteBackupException($"{file} is not a marketplace database.");
            if (v > SqliteSchema.Latest) throw new SqliteBackupException($"{file} has schema version {v}, newer than this build's {SqliteSchema.Latest}.");
            return v;
        }
        catch (SqliteException e)
        {
            throw new SqliteBackupException($"{file} is not a readable SQLite database: {e.Message}");
        }
    }

    /// <summary>Unpooled, so the file is closed when the connection is.</summary>
    private static SqliteConnection Connect(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = SqliteMarketplaceStore.Command(connection, sql);
        cmd.ExecuteNonQuery();
    }
}
