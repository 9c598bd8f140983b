using Marketplace.Core.Persistence;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// How a ledger transaction is written: its document with its filter fields as columns, and each entry as a row of
/// ledger_entries, in the commit's transaction (the change set's savepoint), so a statement sums rows and never reads a document.
/// </summary>
internal static class SqliteLedger
{
    private const int SqliteConstraint = 19;

    public const string Immutable = "Ledger transactions are never changed or deleted: post a reversal (LedgerTransaction.Reversal).";

    private const string InsertTransaction = """
        INSERT INTO ledger (id, version, doc, posted_at, district, school_id, provider_id)
        VALUES ($id, $v, $doc, $posted, $district, $school, $provider)
        """;

    /// <summary>The entries come out of the document just inserted: one statement per transaction, whatever its number of lines.</summary>
    private const string InsertEntries = """
        INSERT INTO ledger_entries (tx_id, account, amount_fen, kind, district, school_id, provider_id, posted_at)
        SELECT $id, json_extract(e.value, '$.account'), json_extract(e.value, '$.amountFen'), $kind, $district, $school, $provider, $posted
        FROM json_each($doc, '$.entries') e
        """;

    /// <summary>Throws the ledger's <see cref="DuplicateException"/> when a transaction of this business key (this id) exists.</summary>
    public static void Insert(SqliteConnection connection, SqliteTransaction tx, LedgerTransaction posted)
    {
        (string, object?)[] values =
        [
            ("$id", SqliteMarketplaceStore.Key(posted.Id)), ("$v", posted.Version), ("$doc", StoreJson.Serialize(posted)),
            ("$posted", posted.PostedAt.UtcTicks), ("$district", posted.DistrictCode), ("$kind", posted.Kind.ToString()),
            ("$school", posted.SchoolId is { } school ? SqliteMarketplaceStore.Key(school) : null),
            ("$provider", posted.ProviderId is { } provider ? SqliteMarketplaceStore.Key(provider) : null),
        ];
        try
        {
            Execute(connection, tx, InsertTransaction, values);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
        {
            throw new DuplicateException(LedgerTransaction.DuplicateField, "duplicate.ledger");
        }
        Execute(connection, tx, InsertEntries, values);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction tx, string sql, (string Name, object? Value)[] values)
    {
        using var cmd = SqliteMarketplaceStore.Command(connection, sql);
        cmd.Transaction = tx;
        foreach (var (name, value) in values)
            if (sql.Contains(name, StringComparison.Ordinal)) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }
}
