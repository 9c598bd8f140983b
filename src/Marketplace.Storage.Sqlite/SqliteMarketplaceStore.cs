using System.Collections.Concurrent;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// Embedded store: one SQLite file in WAL mode with synchronous=FULL, so an acknowledged commit survives
/// a crash. Aggregates are JSON documents; write transactions start with BEGIN IMMEDIATE.
/// </summary>
internal sealed partial class SqliteMarketplaceStore : IMarketplaceStore, IOutboxFeed
{
    // One writer at a time per file inside this process: waiting here is cheaper than SQLite's busy retry loop.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> WriteGates = new(StringComparer.Ordinal);

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate;
    private readonly SqliteGroupCommit _groupCommit;
    private readonly ICommitObserver[] _observers;
    private readonly int? _writeCacheMiB;

    public SqliteMarketplaceStore(IOptions<SqliteStoreOptions> options, IEnumerable<ICommitObserver> observers)
    {
        _observers = observers.ToArray();
        _writeCacheMiB = options.Value.WriteCacheMiB is > 0 ? options.Value.WriteCacheMiB : null;
        var path = Path.GetFullPath(options.Value.DatabasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Cache = SqliteCacheMode.Private, Pooling = true, DefaultTimeout = 30,
        }.ToString();
        _writeGate = WriteGates.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        _groupCommit = new SqliteGroupCommit(OpenForWrite, _writeGate);
    }

    public Task InitializeAsync(CancellationToken ct = default)
    {
        var directory = Path.GetDirectoryName(new SqliteConnectionStringBuilder(_connectionString).DataSource);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        HoldInUseLock(new SqliteConnectionStringBuilder(_connectionString).DataSource);
        using var connection = OpenForWrite();
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "PRAGMA journal_mode = WAL;";
            cmd.ExecuteNonQuery();
        }
        SqliteSchema.Migrate(connection);
        return Task.CompletedTask;
    }

    public Task<bool> IsHealthyAsync(CancellationToken ct = default)
    {
        try
        {
            using var connection = Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT count(*) FROM checkpoints";
            cmd.ExecuteScalar();
            return Task.FromResult(true);
        }
        catch (SqliteException)
        {
            return Task.FromResult(false);
        }
    }

    /// <summary>Queued for the next group commit: concurrent calls share one transaction and one fsync, each in its own savepoint.</summary>
    public async Task CommitAsync(StoreChanges changes, CancellationToken ct = default)
    {
        if (changes.IsEmpty) return;
        await _groupCommit.CommitAsync(changes, ct);
        if (changes.Events.Count > 0) Array.ForEach(_observers, o => o.EventsCommitted());
    }

    internal static string Key(Guid id) => id.ToString("D");

    /// <summary>A pooled connection for reads: WAL readers never wait for the writer, so nothing to set.</summary>
    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>
    /// A connection for a write transaction. synchronous=FULL makes each commit durable; <see cref="SqliteBusyWait"/> lets
    /// it wait for another process's writer in 1 ms steps, instead of the provider's 150 ms retry sleeps or SQLite's
    /// own busy timeout, whose sleeps grow to 100 ms and left one instance's writes waiting for a second at a time.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "The cache size is an integer option, not input.")]
    private SqliteConnection OpenForWrite()
    {
        var connection = Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = _writeCacheMiB is { } mib ? $"PRAGMA synchronous = FULL; PRAGMA cache_size = -{mib * 1024};" : "PRAGMA synchronous = FULL;";
        cmd.ExecuteNonQuery();
        SqliteBusyWait.Install(connection);
        return connection;
    }

    /// <summary>SQL text is always a constant of this adapter; every value travels as a parameter.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "Callers pass constant SQL; values are parameters.")]
    internal static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    private IReadOnlyList<T> QueryDocs<T>(string sql, params (string Name, object? Value)[] parameters) =>
        QueryRows(sql.Replace("SELECT doc", "SELECT '' AS row_key, doc", StringComparison.Ordinal), parameters)
            .Select(r => StoreJson.Deserialize<T>(r.Doc)).ToList();

    private List<(string Id, string Doc)> QueryRows(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = Open();
        using var cmd = Command(connection, sql, parameters);
        using var reader = cmd.ExecuteReader();
        var rows = new List<(string, string)>();
        while (reader.Read()) rows.Add((reader.GetString(0), reader.GetString(1)));
        return rows;
    }
}
