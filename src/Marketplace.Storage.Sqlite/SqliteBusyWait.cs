using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// What a write connection does while another process holds the file's write lock: retry every ~1 ms, for 30 s at least.
/// SQLite's own busy timeout sleeps 1, 2, 5 … then 100 ms between tries; a process whose group commit writes batch after
/// batch leaves the lock free only for microseconds between two batches, so a waiter polling every 100 ms hardly ever
/// got in before the other's queue ran dry, and one instance's writes stalled for a second at a time. Polling every
/// millisecond finds those gaps. SQLitePCLRaw does not bind sqlite3_busy_handler, so it is called directly.
/// </summary>
internal static partial class SqliteBusyWait
{
    private const int MaxTries = 30_000; // each try sleeps at least 1 ms
    private static readonly BusyCallback Callback = Retry; // kept alive: native code holds a pointer to it

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int BusyCallback(IntPtr argument, int priorCalls);

    public static void Install(SqliteConnection connection)
    {
        var rc = SetBusyHandler(connection.Handle!.DangerousGetHandle(), Marshal.GetFunctionPointerForDelegate(Callback), IntPtr.Zero);
        if (rc != 0) throw new SqliteException("Could not install the SQLite busy handler.", rc);
    }

    private static int Retry(IntPtr argument, int priorCalls)
    {
        if (priorCalls >= MaxTries) return 0; // SQLITE_BUSY goes to the caller
        Thread.Sleep(1);
        return 1;
    }

    [LibraryImport("e_sqlite3", EntryPoint = "sqlite3_busy_handler")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static partial int SetBusyHandler(IntPtr db, IntPtr callback, IntPtr argument);
}
