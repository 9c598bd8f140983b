using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// Group commit for one store's database file. Concurrent <see cref="CommitAsync"/> calls queue up; one writer at a time
/// opens ONE <c>BEGIN IMMEDIATE</c> transaction, then takes up to <c>maxBatch</c> (64 by default) queued change sets —
/// only once it holds SQLite's write lock, so everything that arrived while it waited joins — and applies each inside
/// its own SAVEPOINT. A caller whose token was cancelled before its batch was taken is cancelled, nothing written. A change set that fails — seats unavailable, version conflict, duplicate — is rolled
/// back to its savepoint and only its caller gets that exception; the others commit together, with one fsync
/// (synchronous=FULL). No caller's task completes before that COMMIT returned; if the COMMIT, or the transaction itself,
/// fails, every caller of the batch gets that failure (a refusal judged inside the batch too) and nothing of it is stored.
/// A caller that finds no writer running writes the first batch on its own thread (a lone commit costs no thread
/// hop); later batches are written by a thread-pool task until the queue is empty.
/// </summary>
internal sealed class SqliteGroupCommit(Func<SqliteConnection> openForWrite, SemaphoreSlim writeGate, int maxBatch = SqliteGroupCommit.DefaultMaxBatch)
{
    public const int DefaultMaxBatch = 64;
    private const string Savepoint = "change_set";

    private readonly Queue<Pending> _queue = new();
    private readonly Lock _lock = new();
    private bool _writing;
    private long _transactions;

    /// <summary>Batch transactions committed so far (each holding one or more change sets).</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    public Task CommitAsync(StoreChanges changes, CancellationToken ct)
    {
        var pending = new Pending(changes, ct);
        bool lead;
        lock (_lock)
        {
            _queue.Enqueue(pending);
            lead = !_writing;
            _writing = true;
        }
        if (lead) _ = WriteUntilEmptyAsync(leader: true);
        return pending.Done.Task;
    }

    private async Task WriteUntilEmptyAsync(bool leader)
    {
        while (true)
        {
            await writeGate.WaitAsync().ConfigureAwait(false);
            try
            {
                WriteBatch();
            }
            finally
            {
                writeGate.Release();
            }
            if (!MoreQueued()) return;
            if (leader)
            {
                _ = Task.Run(() => WriteUntilEmptyAsync(leader: false));
                return;
            }
        }
    }

    /// <summary>False (and no writer running any more) when the queue is empty; decided under the lock so no caller is stranded.</summary>
    private bool MoreQueued()
    {
        lock (_lock)
        {
            if (_queue.Count > 0) return true;
            _writing = false;
            return false;
        }
    }

    private List<Pending> TakeBatch()
    {
        lock (_lock)
        {
            var batch = new List<Pending>(Math.Min(_queue.Count, maxBatch));
            while (batch.Count < maxBatch && _queue.TryDequeue(out var next)) batch.Add(next);
            return batch;
        }
    }

    /// <summary>One transaction for a batch. Never throws: every caller of the batch is completed one way or the other,
    /// and none before the COMMIT's outcome is known.</summary>
    private void WriteBatch()
    {
        List<Pending> batch = [];
        var outcomes = new List<(Pending Pending, Exception? Error)>();
        try
        {
            using var connection = openForWrite();
            using var tx = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: may wait for another process's writer
            batch = TakeBatch();
            var writer = new SqliteChangeWriter(connection, tx);
            foreach (var pending in batch)
            {
                if (pending.Cancellation.IsCancellationRequested) pending.Done.TrySetCanceled(pending.Cancellation);
                else outcomes.Add((pending, TryApply(tx, writer, pending.Changes)));
            }
            tx.Commit();
            Interlocked.Increment(ref _transactions);
        }
#pragma warning disable CA1031 // whatever failed the shared transaction is handed to every waiting caller, none is swallowed
        catch (Exception e)
#pragma warning restore CA1031
        {
            // Nothing of the batch is stored; a change set refused inside it may have been judged on the others' seats.
            foreach (var pending in batch.Count > 0 ? batch : TakeBatch()) pending.Done.TrySetException(e);
            return;
        }
        foreach (var (pending, error) in outcomes)
        {
            if (error is null) pending.Done.TrySetResult();
            else pending.Done.TrySetException(error);
        }
    }

    /// <summary>Applies one change set inside a savepoint; on failure rolls back just that change set and returns why.
    /// Throws only when the rollback itself fails (the transaction is gone), which fails the whole batch.</summary>
    private static Exception? TryApply(SqliteTransaction tx, SqliteChangeWriter writer, StoreChanges changes)
    {
        tx.Save(Savepoint);
        try
        {
            writer.Apply(changes);
            tx.Release(Savepoint);
            return null;
        }
#pragma warning disable CA1031 // the change set's own failure is returned to its caller, not swallowed
        catch (Exception e)
#pragma warning restore CA1031
        {
            try
            {
                tx.Rollback(Savepoint);
                tx.Release(Savepoint);
            }
            catch (SqliteException rollbackFailed)
            {
                throw new InvalidOperationException("A failing change set aborted the batch's transaction; nothing of the batch was stored.",
                    new AggregateException(e, rollbackFailed));
            }
            return e;
        }
    }

    private sealed record Pending(StoreChanges Changes, CancellationToken Cancellation)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
