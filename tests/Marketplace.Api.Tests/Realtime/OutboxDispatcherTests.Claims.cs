using Marketplace.Api.Configuration;
using Marketplace.Api.Outbox;
using Marketplace.Core.Persistence;
using Microsoft.Extensions.Time.Testing;

namespace Marketplace.Api.Tests.Realtime;

/// <summary>
/// Who handles a batch when several instances share the outbox: a durable consumer only on the instance holding its lease;
/// a claimed live batch is pushed even through a blip of the backplane.
/// </summary>
public sealed partial class OutboxDispatcherTests
{
    /// <summary>
    /// Two instances run the same shared durable consumer (the Elasticsearch projection). Each batch is handled by one of
    /// them — before, both applied every batch and the compare-and-set only decided who advanced the checkpoint. When the
    /// holder stops, it releases the lease and the other goes on.
    /// </summary>
    [Fact]
    public async Task ASharedDurableConsumer_IsHandledOnlyByTheLeaseHolder_AndTheOtherTakesOverWhenItStops()
    {
        const string consumer = "durable-shared-test";
        await _feed.ResetCheckpointAsync(consumer, await _feed.GetLatestCursorAsync());
        var (onA, onB) = (new Recording(consumer, live: false), new Recording(consumer, live: false));
        using var a = Dispatcher(onA, _settings, "instance-a");
        using var b = Dispatcher(onB, _settings, "instance-b");
        await Task.WhenAll(a.StartAsync(CancellationToken.None), b.StartAsync(CancellationToken.None));

        var first = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            first.AddRange(await CommitAsync(DateTimeOffset.UtcNow, 2));
            await Task.Delay(100);
        }
        await WaitAsync(() => onA.Cursors.Count + onB.Cursors.Count >= first.Count, TimeSpan.FromSeconds(5));
        await Task.Delay(TimeSpan.FromMilliseconds(800)); // longer than a poll: a second handler would have shown

        Assert.True(onA.Cursors.Count == 0 || onB.Cursors.Count == 0, $"A handled {Describe(onA)}; B handled {Describe(onB)}");
        var (holder, other, onOther) = onA.Cursors.Count > 0 ? (a, b, onB) : (b, a, onA);
        Assert.Equal(first, onA.Cursors.Concat(onB.Cursors));

        await holder.StopAsync(CancellationToken.None);
        var second = await CommitAsync(DateTimeOffset.UtcNow, 3);
        await WaitAsync(() => onOther.Cursors.Count >= 3, TimeSpan.FromSeconds(5));
        await other.StopAsync(CancellationToken.None);

        Assert.Equal(second, onOther.Cursors);
        Assert.Equal(second[^1], await _feed.GetCheckpointAsync(consumer));
    }

    /// <summary>An instance that died holding the lease (it never released it) blocks the consumer only until the lease runs out.</summary>
    [Fact]
    public async Task ADurableConsumerWhoseLeaseIsHeldElsewhere_WaitsUntilItRunsOut_ThenCatchesUp()
    {
        const string consumer = "durable-expiry-test";
        await _feed.ResetCheckpointAsync(consumer, await _feed.GetLatestCursorAsync());
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        Assert.True(await _leases.TryAcquireAsync("outbox:" + consumer, "crashed-instance", clock.GetUtcNow(), ConsumerLeases.Duration));
        var committed = await CommitAsync(DateTimeOffset.UtcNow, 3);
        var recording = new Recording(consumer, live: false);
        using var dispatcher = Dispatcher(recording, _settings, "instance-b", clock);

        await dispatcher.StartAsync(CancellationToken.None);
        await Task.Delay(TimeSpan.FromMilliseconds(1200)); // a few polls
        Assert.Empty(recording.Cursors);
        clock.Advance(ConsumerLeases.Duration);
        await WaitAsync(() => recording.Cursors.Count >= 3, TimeSpan.FromSeconds(5));
        await dispatcher.StopAsync(CancellationToken.None);

        Assert.Equal(committed, recording.Cursors);
    }

    /// <summary>
    /// With the Redis backplane a batch is claimed (the shared checkpoint moves) before it is pushed; a push that fails then
    /// (a Redis blip) used to lose the batch for every live client. It is tried again, from the event that failed.
    /// </summary>
    [Fact]
    public async Task AClaimedLivePushThatFails_IsTriedAgain_AndNoEventIsLostOrPushedTwice()
    {
        const string consumer = "live-retry-test";
        var shared = _settings with { Backplane = BackplaneKind.Redis };
        await _feed.ResetCheckpointAsync(consumer, await _feed.GetLatestCursorAsync());
        var committed = await CommitAsync(DateTimeOffset.UtcNow, 3);
        var failures = 2;
        var flaky = new FlakyLive(consumer, _ => Interlocked.Decrement(ref failures) >= 0);
        using var dispatcher = Dispatcher(flaky, shared);

        await dispatcher.StartAsync(CancellationToken.None);
        await WaitAsync(() => flaky.Pushed.Count >= 3, TimeSpan.FromSeconds(5));
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        await dispatcher.StopAsync(CancellationToken.None);

        Assert.Equal(committed, flaky.Pushed);
        Assert.Equal([committed[0], committed[0], .. committed], flaky.Attempts);
        Assert.Equal(committed[^1], await _feed.GetCheckpointAsync(consumer));
    }

    /// <summary>Retries are bounded: a push that keeps failing is given up (the change feed has those events) and later
    /// batches still go out.</summary>
    [Fact]
    public async Task ALivePushThatKeepsFailing_IsGivenUpAfterItsRetries_AndLaterEventsStillGoOut()
    {
        const string consumer = "live-give-up-test";
        var shared = _settings with { Backplane = BackplaneKind.Redis };
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await _feed.ResetCheckpointAsync(consumer, await _feed.GetLatestCursorAsync());
        var broken = await CommitAsync(DateTimeOffset.UtcNow, 2);
        var flaky = new FlakyLive(consumer, cursor => broken.Contains(cursor));
        using var dispatcher = Dispatcher(flaky, shared, clock: clock);

        await dispatcher.StartAsync(CancellationToken.None);
        await WaitAsync(() => flaky.Attempts.Count >= 1, TimeSpan.FromSeconds(5)); // joined and claimed before the clock moves
        var tries = 1 + OutboxDispatcher.LivePushRetries.Length;
        await WaitAsync(() =>
        {
            clock.Advance(TimeSpan.FromSeconds(1)); // the pauses between tries pass
            return flaky.Attempts.Count >= tries;
        }, TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        var later = await CommitAsync(DateTimeOffset.UtcNow, 2);
        await WaitAsync(() => flaky.Pushed.Count >= 2, TimeSpan.FromSeconds(5));
        await dispatcher.StopAsync(CancellationToken.None);

        Assert.Equal(Enumerable.Repeat(broken[0], tries).Concat(later), flaky.Attempts);
        Assert.Equal(later, flaky.Pushed);
    }

    private static string Describe(Recording r) => "[" + string.Join(",", r.Cursors) + "]";

    /// <summary>A live consumer whose push of an event fails while <paramref name="fails"/> says so (a backplane blip).</summary>
    private sealed class FlakyLive(string name, Func<long, bool> fails) : IOutboxConsumer
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<long> _attempts = new();
        private readonly System.Collections.Concurrent.ConcurrentQueue<long> _pushed = new();

        public List<long> Attempts => [.. _attempts];
        public List<long> Pushed => [.. _pushed];
        public string Name => name;
        public bool IsLive => true;

        public Task HandleAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken ct)
        {
            foreach (var message in batch)
            {
                _attempts.Enqueue(message.Cursor);
                if (fails(message.Cursor)) throw new InvalidOperationException("backplane unreachable (simulated)");
                _pushed.Enqueue(message.Cursor);
            }
            return Task.CompletedTask;
        }
    }
}
