using Marketplace.Core.Persistence;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>The store's epoch (migration 8), and the data-folder lock every process using the file holds shared.</summary>
internal sealed partial class SqliteMarketplaceStore : IStoreEpoch, IDisposable
{
    private readonly Lock _inUseGate = new();
    private FileStream? _inUse;

    public Task<string> GetEpochAsync(CancellationToken ct = default)
    {
        using var connection = Open();
        return Task.FromResult(SqliteEpoch.Read(connection));
    }

    public async Task<string> MarkRestoredAsync(CancellationToken ct = default)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            using var connection = OpenForWrite();
            return SqliteEpoch.WriteNew(connection);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Held (shared) from <see cref="InitializeAsync"/> until disposal: <c>restore</c> refuses while any process holds it.</summary>
    private void HoldInUseLock(string databasePath)
    {
        lock (_inUseGate)
            _inUse ??= SqliteDataLock.HoldShared(databasePath);
    }

    public void Dispose()
    {
        lock (_inUseGate)
        {
            _inUse?.Dispose();
            _inUse = null;
        }
    }
}

/// <summary>Reads and replaces the epoch row.</summary>
internal static class SqliteEpoch
{
    public static string Read(SqliteConnection connection)
    {
        using var cmd = SqliteMarketplaceStore.Command(connection, "SELECT value FROM store_meta WHERE key = 'epoch'");
        return cmd.ExecuteScalar() as string ?? throw new InvalidOperationException("The store has no epoch: it was not initialised.");
    }

    public static string WriteNew(SqliteConnection connection)
    {
        var epoch = Guid.NewGuid().ToString("N");
        using var cmd = SqliteMarketplaceStore.Command(connection,
            "INSERT INTO store_meta (key, value) VALUES ('epoch', $e) ON CONFLICT (key) DO UPDATE SET value = excluded.value", ("$e", epoch));
        cmd.ExecuteNonQuery();
        return epoch;
    }
}
