using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>The change feed's newest cursor and the consumers' checkpoints.</summary>
internal sealed partial class SqliteMarketplaceStore
{
    // updated_at: when the checkpoint last moved; retention lets only recently moved checkpoints hold events back.
    private const string UpsertCheckpointSql =
        $"INSERT INTO checkpoints (consumer, cursor, updated_at) VALUES ($c, $v, {SqliteRetention.NowMilliseconds}) " +
        "ON CONFLICT (consumer) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at";

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
            using var write = Command(connection, UpsertCheckpointSql, ("$c", consumer), ("$v", next));
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

    public async Task ResetCheckpointAsync(string consumer, long cursor, CancellationToken ct = default)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            using var connection = OpenForWrite();
            using var cmd = Command(connection, UpsertCheckpointSql, ("$c", consumer), ("$v", cursor));
            cmd.ExecuteNonQuery();
        }
        finally
        {
            _writeGate.Release();
        }
    }
}
