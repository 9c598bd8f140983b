using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>Applies one <see cref="StoreChanges"/> inside an open BEGIN IMMEDIATE transaction.</summary>
internal sealed class SqliteChangeWriter(SqliteConnection connection, SqliteTransaction tx)
{
    private const int SqliteConstraint = 19;

    /// <summary>The single conditional statement that makes overselling impossible: it only matches while the seats fit.</summary>
    internal const string ReserveSql = """
        UPDATE sessions SET version = version + 1,
            doc = json_set(doc, '$.reserved', json_extract(doc, '$.reserved') + $n, '$.version', version + 1)
        WHERE id = $id AND json_extract(doc, '$.status') = 'Scheduled'
          AND json_extract(doc, '$.reserved') + $n <= json_extract(doc, '$.capacity')
        """;

    internal const string ReleaseSql = """
        UPDATE sessions SET version = version + 1,
            doc = json_set(doc, '$.reserved', json_extract(doc, '$.reserved') - $n, '$.version', version + 1)
        WHERE id = $id AND json_extract(doc, '$.reserved') >= $n
        """;

    /// <summary>The selection window's first-come guard (issue 18): one statement that only matches while the seats fit.</summary>
    internal const string TakeSelectionSeatsSql = """
        UPDATE selection_seats SET version = version + 1,
            doc = json_set(doc, '$.taken', json_extract(doc, '$.taken') + $n, '$.version', version + 1)
        WHERE id = $id AND json_extract(doc, '$.taken') + $n <= json_extract(doc, '$.capacity')
        """;

    internal const string ReturnSelectionSeatsSql = """
        UPDATE selection_seats SET version = version + 1,
            doc = json_set(doc, '$.taken', json_extract(doc, '$.taken') - $n, '$.version', version + 1)
        WHERE id = $id AND json_extract(doc, '$.taken') >= $n
        """;

    public void Apply(StoreChanges changes)
    {
        foreach (var district in changes.Districts)
            Execute("INSERT INTO districts (code, doc) VALUES ($c, $d) ON CONFLICT (code) DO UPDATE SET doc = excluded.doc",
                ("$c", district.Code), ("$d", StoreJson.Serialize(district)));
        foreach (var write in changes.Writes) Write(write);
        ChangeSeats(changes.Seats);
        ChangeSelectionSeats(changes.SelectionSeats);
        if (changes.Idempotency is { } record) Remember(record);
        foreach (var message in changes.Events) Append(message);
    }

    private void Write(DocumentWrite write)
    {
        var doc = write.Document;
        if (doc is LedgerTransaction posted)
        {
            if (write.Kind != WriteKind.Insert) throw new InvalidOperationException(SqliteLedger.Immutable);
            SqliteLedger.Insert(connection, tx, posted);
            return;
        }
        var table = DocumentKinds.Of(doc.GetType());
        var id = SqliteMarketplaceStore.Key(doc.Id);
        var affected = write.Kind switch
        {
            WriteKind.Insert => Insert(table, id, doc),
            WriteKind.Update => Execute($"UPDATE {table} SET version = $v, doc = $doc WHERE id = $id AND version = $expected",
                ("$v", doc.Version), ("$doc", Serialize(doc)), ("$id", id), ("$expected", write.ExpectedVersion)),
            _ => Execute($"DELETE FROM {table} WHERE id = $id AND version = $expected", ("$id", id), ("$expected", write.ExpectedVersion)),
        };
        if (affected == 0) throw new ConcurrencyConflictException(doc.GetType().Name, doc.Id);
    }

    private int Insert(string table, string id, IAggregate doc)
    {
        try
        {
            return Execute($"INSERT INTO {table} (id, version, doc) VALUES ($id, $v, $doc)", ("$id", id), ("$v", doc.Version), ("$doc", Serialize(doc)));
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
        {
            throw Duplicate(e);
        }
    }

    /// <summary>
    /// Every seat change in order. A reservation that does not fit does not stop the others: each one that fails is collected
    /// with the seats its session had left, and then the commit fails with all of them (rolled back all the same).
    /// </summary>
    private void ChangeSeats(IReadOnlyList<SeatChange> changes)
    {
        List<SeatShortfall>? shortfalls = null;
        foreach (var change in changes)
        {
            var id = SqliteMarketplaceStore.Key(change.SessionId);
            var affected = change.Delta > 0
                ? Execute(ReserveSql, ("$id", id), ("$n", change.Delta))
                : Execute(ReleaseSql, ("$id", id), ("$n", -change.Delta));
            if (affected > 0) continue;
            if (change.Delta < 0)
                throw new InvalidOperationException($"Releasing {-change.Delta} seats from session {change.SessionId} would go below zero.");
            using var cmd = SqliteMarketplaceStore.Command(connection, "SELECT doc FROM sessions WHERE id = $id", ("$id", id));
            cmd.Transaction = tx;
            var session = cmd.ExecuteScalar() is string json ? StoreJson.Deserialize<Session>(json) : null;
            (shortfalls ??= []).Add(new SeatShortfall(change.SessionId, session?.FreeSeats ?? 0));
        }
        if (shortfalls is not null) throw new SeatsUnavailableException(shortfalls);
    }

    private void ChangeSelectionSeats(IReadOnlyList<SelectionSeatChange> changes)
    {
        foreach (var change in changes)
        {
            var id = SqliteMarketplaceStore.Key(change.SeatsId);
            var affected = change.Delta > 0
                ? Execute(TakeSelectionSeatsSql, ("$id", id), ("$n", change.Delta))
                : Execute(ReturnSelectionSeatsSql, ("$id", id), ("$n", -change.Delta));
            if (affected > 0) continue;
            if (change.Delta < 0) throw new InvalidOperationException($"Returning {-change.Delta} selection seats of {change.SeatsId} would go below zero.");
            throw new SelectionSeatsUnavailableException(change.SeatsId);
        }
    }

    private void Remember(IdempotencyRecord r)
    {
        try
        {
            Execute("INSERT INTO idempotency (scope, key, request_hash, result_id, response, created_at) VALUES ($s, $k, $h, $id, $r, $t)",
                ("$s", r.Scope), ("$k", r.Key), ("$h", r.RequestHash), ("$id", SqliteMarketplaceStore.Key(r.ResultId)), ("$r", r.ResponseJson), ("$t", StoreJson.FormatTime(r.CreatedAt)));
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
        {
            throw new DuplicateException(IdempotencyRecord.KeyField, "duplicate.idempotency-key");
        }
    }

    private void Append(OutboxMessage m)
    {
        using var cmd = SqliteMarketplaceStore.Command(connection,
            "INSERT INTO outbox (id, type, at, audiences, data) VALUES ($id, $type, $at, $aud, $data) RETURNING cursor",
            ("$id", m.Id.ToString("D")), ("$type", m.Type), ("$at", StoreJson.FormatTime(m.At)), ("$aud", StoreJson.Serialize(m.Audiences)), ("$data", m.Data));
        cmd.Transaction = tx;
        var cursor = (long)cmd.ExecuteScalar()!;
        foreach (var audience in m.Audiences)
            Execute("INSERT OR IGNORE INTO outbox_audiences (audience, cursor) VALUES ($a, $c)", ("$a", audience), ("$c", cursor));
    }

    internal static DuplicateException Duplicate(SqliteException e)
    {
        var field = e.Message.Contains("username", StringComparison.Ordinal) ? "username"
            : e.Message.Contains("credit", StringComparison.Ordinal) ? "creditCode"
            : e.Message.Contains("schools_code", StringComparison.Ordinal) ? "schoolCode"
            : e.Message.Contains("school_semester", StringComparison.Ordinal) ? "semester"
            : e.Message.Contains("waitlist_active", StringComparison.Ordinal) ? "activeKey"
            : e.Message.Contains("pupils_roster", StringComparison.Ordinal) ? "rosterKey"
            : e.Message.Contains("users_phone", StringComparison.Ordinal) ? "phone" : "id";
        return new DuplicateException(field, "duplicate." + field);
    }

    private static string Serialize(IAggregate doc) => System.Text.Json.JsonSerializer.Serialize(doc, doc.GetType(), StoreJson.Options);

    private int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = SqliteMarketplaceStore.Command(connection, sql, parameters);
        cmd.Transaction = tx;
        return cmd.ExecuteNonQuery();
    }
}
