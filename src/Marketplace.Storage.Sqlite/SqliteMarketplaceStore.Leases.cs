using Marketplace.Core.Persistence;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>Leases: one row per name; taking one is a single conditional upsert, so of two processes on the file one wins.</summary>
internal sealed partial class SqliteMarketplaceStore : ILeases
{
    // The upsert's WHERE lets it overwrite only the same holder's row or one that ran out; otherwise it changes nothing.
    private const string AcquireSql = """
        INSERT INTO leases (name, holder, expires_at) VALUES ($name, $holder, $until)
        ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
        WHERE leases.holder = excluded.holder OR leases.expires_at <= $now
        """;

    public Task<bool> TryAcquireAsync(string name, string holder, DateTimeOffset now, TimeSpan duration, CancellationToken ct = default) =>
        WriteAsync((connection, tx) => Execute(connection, tx, AcquireSql,
            ("$name", name), ("$holder", holder), ("$until", (now + duration).ToUnixTimeMilliseconds()), ("$now", now.ToUnixTimeMilliseconds())) == 1, ct);

    public Task ReleaseAsync(string name, string holder, CancellationToken ct = default) =>
        WriteAsync((connection, tx) => Execute(connection, tx, "DELETE FROM leases WHERE name = $name AND holder = $holder", ("$name", name), ("$holder", holder)), ct);

    /// <summary>A short write outside the group commit: this process's writers queue on the same gate, others' on the file lock.</summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            using var connection = OpenForWrite();
            using var tx = connection.BeginTransaction(deferred: false);
            var result = work(connection, tx);
            tx.Commit();
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(connection, sql, parameters);
        cmd.Transaction = tx;
        return cmd.ExecuteNonQuery();
    }
}
