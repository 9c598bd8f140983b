using Marketplace.Core.Persistence;

namespace Marketplace.Api.Outbox;

/// <summary>
/// Wakes every outbox consumer loop the moment a local commit carries events. A loop takes <see cref="Next"/>
/// before it reads, so a commit that lands while it is busy still wakes it afterwards.
/// </summary>
public sealed class OutboxSignal : ICommitObserver
{
    private TaskCompletionSource _next = NewSource();

    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Called by the store adapter after each commit that carried events.</summary>
    public void EventsCommitted() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
