namespace Marketplace.Storage.Sqlite;

public sealed class SqliteStoreOptions
{
    /// <summary>Path of the database file, e.g. ./data/marketplace.db.</summary>
    public string DatabasePath { get; set; } = "";
}
