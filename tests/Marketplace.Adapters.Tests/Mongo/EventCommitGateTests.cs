using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Marketplace.Storage.Mongo;

namespace Marketplace.Adapters.Tests.Mongo;

/// <summary>The Mongo store runs every commit through this gate: those with events one at a time, the others at once.</summary>
public sealed class EventCommitGateTests
{
    [Fact]
    public async Task CommitsWithEvents_RunOneAtATime()
    {
        using var gate = new EventCommitGate();
        var (running, most) = (0, 0);

        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => gate.RunAsync(WithEvent(), async () =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await Task.Delay(5);
            Interlocked.Decrement(ref running);
        }, CancellationToken.None))));

        Assert.Equal(1, most);
    }

    [Fact]
    public async Task CommitsWithoutEvents_AreNotHeldUp()
    {
        using var gate = new EventCommitGate();
        var inside = 0;
        var allInside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Each stays inside until all four are: run one at a time, the first would wait forever.
        var commits = Enumerable.Range(0, 4).Select(_ => Task.Run(() => gate.RunAsync(new StoreChanges().ReserveSeats(Ids.New(), 1), async () =>
        {
            if (Interlocked.Increment(ref inside) == 4) allInside.SetResult();
            await allInside.Task;
        }, CancellationToken.None)));

        await Task.WhenAll(commits).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ACommitWaitingForTheGate_CanBeCancelled_AndTheGateGoesOn()
    {
        using var gate = new EventCommitGate();
        var release = new TaskCompletionSource();
        var first = gate.RunAsync(WithEvent(), () => release.Task, CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = gate.RunAsync(WithEvent(), () => throw new InvalidOperationException("never runs"), cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        release.SetResult();
        await first;
        await gate.RunAsync(WithEvent(), () => Task.CompletedTask, CancellationToken.None);
    }

    private static StoreChanges WithEvent() => new StoreChanges().Publish(
        OutboxMessage.Create(EventTypes.OfferingChanged, DateTimeOffset.UtcNow, ["public"], new OfferingChangedData(Ids.New(), Ids.New(), "Published", 1)));

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
