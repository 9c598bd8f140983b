namespace Marketplace.Storage.Sqlite;

public sealed class SqliteStoreOptions
{
    /// <summary>Path of the database file, e.g. ./data/marketplace.db.</summary>
    public string DatabasePath { get; set; } = "";

    /// <summary>
    /// Page cache of each write connection in MiB (PRAGMA cache_size); null keeps SQLite's default (2 MB). Bulk loads that write many
    /// rows per commit into tables with several indexes go faster with more (docs/benchmarks.md: the ledger and coverage fills).
    /// </summary>
    public int? WriteCacheMiB { get; set; }
}
