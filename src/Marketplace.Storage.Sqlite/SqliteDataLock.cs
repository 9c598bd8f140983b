namespace Marketplace.Storage.Sqlite;

/// <summary>
/// <c>{database}.lock</c> beside the database: every process that initialises the store (the host, the CLI commands) holds it
/// shared for as long as it runs; <c>restore</c> needs it exclusively, so it refuses while any of them runs. An advisory
/// <c>flock</c> on Unix (what .NET takes for <see cref="FileShare"/>), a sharing mode on Windows; released by the OS when a
/// process dies, so a crash leaves nothing to clean up.
/// </summary>
internal static class SqliteDataLock
{
    public static string PathOf(string databasePath) => Path.GetFullPath(databasePath) + ".lock";

    /// <summary>Read access with sharing: .NET takes a shared flock, which many processes (and hosts in one process) hold at once.</summary>
    public static FileStream HoldShared(string databasePath)
    {
        var path = PathOf(databasePath);
        if (!File.Exists(path)) File.WriteAllText(path, "");
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
    }

    /// <summary>The exclusive lock, or null while another process (or another store in this one) holds it.</summary>
    public static FileStream? TryTakeExclusive(string databasePath)
    {
        try
        {
            return new FileStream(PathOf(databasePath), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
