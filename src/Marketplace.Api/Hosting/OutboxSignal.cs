namespace Marketplace.Api.Hosting;

/// <summary>
/// Wakes every outbox consumer loop the moment a local commit carries events. A loop takes <see cref="Next"/>
/// before it reads, so a commit that lands while it is busy still wakes it afterwards.
/// </summary>
public sealed class OutboxSignal
{
    private TaskCompletionSource _next = NewSource();

    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
