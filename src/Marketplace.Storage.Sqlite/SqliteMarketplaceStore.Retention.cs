using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>Retention: deletes in batches of <see cref="SqliteRetention.Batch"/>, each its own short write transaction, so
/// commits are never held up for long.</summary>
internal sealed partial class SqliteMarketplaceStore : IStoreRetention
{
    public async Task<RetentionResult> PruneAsync(RetentionCutoffs cutoffs, CancellationToken ct = default)
    {
        var before = StoreJson.FormatTime(cutoffs.IdempotencyBefore);
        long records = 0;
        int deleted;
        do
        {
            deleted = await WriteAsync((c, tx) => Execute(c, tx, SqliteRetention.PruneIdempotencySql, ("$before", before), ("$n", SqliteRetention.Batch)), ct);
            records += deleted;
        }
        while (deleted == SqliteRetention.Batch);

        long events = 0;
        (int Found, int Deleted) batch;
        do
        {
            batch = await WriteAsync((c, tx) => PruneEvents(c, tx, cutoffs.EventsBefore), ct);
            events += batch.Deleted;
        }
        while (batch.Found == SqliteRetention.Batch);
        return new RetentionResult(events, records);
    }

    private static (int Found, int Deleted) PruneEvents(SqliteConnection connection, SqliteTransaction tx, DateTimeOffset before)
    {
        using var select = Command(connection, SqliteRetention.PrunableEventsSql,
            ("$before", StoreJson.FormatTime(before)), ("$movedSince", before.ToUnixTimeMilliseconds()), ("$n", SqliteRetention.Batch));
        select.Transaction = tx;
        using var reader = select.ExecuteReader();
        if (!reader.Read() || reader.GetInt32(0) == 0) return (0, 0);
        var (found, last) = (reader.GetInt32(0), reader.GetInt64(1));
        reader.Close();
        var parameters = new (string, object?)[] { ("$last", last), ("$before", StoreJson.FormatTime(before)) };
        Execute(connection, tx, SqliteRetention.DeleteEventAudiencesSql, parameters);
        return (found, Execute(connection, tx, SqliteRetention.DeleteEventsSql, parameters));
    }
}

internal static class SqliteRetention
{
    public const int Batch = 1000;

    /// <summary>The database's clock in Unix milliseconds (lease ends and checkpoint moves are stored so).</summary>
    public const string NowMilliseconds = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

    public const string PruneIdempotencySql =
        "DELETE FROM idempotency WHERE rowid IN (SELECT rowid FROM idempotency WHERE created_at < $before LIMIT $n)";

    /// <summary>How many of the next batch may go, and the last cursor among them: events older than the cutoff, below the
    /// newest event, and at or below every checkpoint that moved since the cutoff (a rebuild's reset is stored as ~cursor).</summary>
    public const string PrunableEventsSql = """
        WITH bound AS (SELECT min(
                 coalesce((SELECT max(cursor) FROM outbox), 0) - 1,
                 coalesce((SELECT min(CASE WHEN cursor < 0 THEN ~cursor ELSE cursor END) FROM checkpoints WHERE updated_at >= $movedSince),
                          9223372036854775807)) AS cursor),
             batch AS (SELECT cursor FROM outbox WHERE cursor <= (SELECT cursor FROM bound) AND at < $before ORDER BY cursor LIMIT $n)
        SELECT count(*), max(cursor) FROM batch
        """;

    public const string DeleteEventAudiencesSql = """
        DELETE FROM outbox_audiences WHERE (audience, cursor) IN (
            SELECT a.value, o.cursor FROM outbox o, json_each(o.audiences) a WHERE o.cursor <= $last AND o.at < $before)
        """;

    public const string DeleteEventsSql = "DELETE FROM outbox WHERE cursor <= $last AND at < $before";
}
