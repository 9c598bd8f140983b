using Marketplace.Core.Persistence;

namespace Marketplace.Storage.Mongo;

/// <summary>
/// Lets this process's commits that carry events run one at a time; the others pass straight through. Every commit with
/// events increments the one outbox counter document, and two transactions writing one document conflict: the later
/// aborts with WriteConflict and WithTransactionAsync runs it again from the start, so under load an instance's own commits
/// would retry against each other in a storm. Queued here, only commits of other instances can still conflict
/// (docs/architecture.md, "What a commit with events costs").
/// </summary>
internal sealed class EventCommitGate : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task RunAsync(StoreChanges changes, Func<Task> commit, CancellationToken ct)
    {
        if (changes.Events.Count == 0)
        {
            await commit();
            return;
        }
        await _gate.WaitAsync(ct);
        try
        {
            await commit();
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
