using Marketplace.Api.Configuration;
using Marketplace.Api.Hosting;
using Marketplace.Api.Outbox;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marketplace.Api.Tests.Realtime;

/// <summary>
/// The dispatcher's checkpoints on a real store, driven directly: what a starting instance does to the shared live
/// checkpoint, and what a durable consumer's batch in flight does to an index rebuild's reset.
/// </summary>
public sealed partial class OutboxDispatcherTests : IDisposable
{
    private readonly MarketplaceFactory _factory = new(new Dictionary<string, string?> { ["Marketplace:SeedDemo"] = "false" });
    private readonly IMarketplaceStore _store;
    private readonly IOutboxFeed _feed;
    private readonly ILeases _leases;
    private readonly MarketplaceSettings _settings;

    public OutboxDispatcherTests()
    {
        _factory.CreateClient().Dispose();
        _store = _factory.Services.GetRequiredService<IMarketplaceStore>();
        _feed = _factory.Services.GetRequiredService<IOutboxFeed>();
        _leases = _factory.Services.GetRequiredService<ILeases>();
        _settings = _factory.Services.GetRequiredService<MarketplaceSettings>();
    }

    /// <summary>
    /// With a Redis backplane the instances share one live checkpoint. An instance that starts while another has events
    /// still to push must leave them to be pushed (moving the checkpoint skipped them at every rolling deploy); only a
    /// stale backlog — nobody has been pushing — is skipped.
    /// </summary>
    [Fact]
    public async Task AJoiningInstance_PushesRecentUnpushedEvents_AndSkipsOnlyAStaleBacklog()
    {
        const string consumer = "live-join-test";
        var shared = _settings with { Backplane = BackplaneKind.Redis };
        await _feed.ResetCheckpointAsync(consumer, await _feed.GetLatestCursorAsync());

        // Committed a moment ago, not yet pushed by anyone: the joining instance claims and pushes them.
        var recent = await CommitAsync(DateTimeOffset.UtcNow, 3);
        var pushed = await RunAsync(new Recording(consumer, live: true), shared, expect: 3);
        Assert.Equal(recent, pushed.Cursors);
        Assert.Equal(recent[^1], await _feed.GetCheckpointAsync(consumer));

        // Unpushed for an hour (every instance was down): skipped, not sent to live clients.
        var stale = await CommitAsync(DateTimeOffset.UtcNow.AddHours(-1), 3);
        Assert.Empty((await RunAsync(new Recording(consumer, live: true), shared, expect: 0)).Cursors);
        Assert.Equal(stale[^1], await _feed.GetCheckpointAsync(consumer));
    }

    /// <summary>
    /// An index rebuild resets the index consumer's checkpoint to its snapshot so that later events reach the new index.
    /// A batch that was in flight at that moment (here or on another instance) must not carry the checkpoint past them.
    /// </summary>
    [Fact]
    public async Task AResetDuringABatch_IsNotOverwritten_AndTheEventsAreHandledAgain()
    {
        const string consumer = "durable-reset-test";
        var start = await _feed.GetLatestCursorAsync();
        await _feed.ResetCheckpointAsync(consumer, start);
        var committed = await CommitAsync(DateTimeOffset.UtcNow, 3);

        var gated = new Recording(consumer, live: false) { Gate = new(TaskCreationOptions.RunContinuationsAsynchronously) };
        using var dispatcher = Dispatcher(gated, _settings);
        await dispatcher.StartAsync(CancellationToken.None);
        await gated.FirstBatchStarted.Task.WaitAsync(TimeSpan.FromSeconds(5));
        // The rebuild's reset to its snapshot cursor — here the very cursor the batch began from — while the batch is handled.
        await _feed.ResetCheckpointAsync(consumer, ~start);
        gated.Gate.TrySetResult();
        await WaitAsync(() => gated.Batches.Count >= 2, TimeSpan.FromSeconds(5));
        await dispatcher.StopAsync(CancellationToken.None);

        Assert.True(gated.Batches.Count >= 2, $"the events after the reset were handled again; batches: {string.Join(" / ", gated.Batches.Select(b => string.Join(",", b)))}");
        Assert.Equal(committed, gated.Batches.ElementAt(1));
        Assert.Equal(committed[^1], await _feed.GetCheckpointAsync(consumer));
    }

    public void Dispose() => _factory.Dispose();

    private async Task<List<long>> CommitAsync(DateTimeOffset at, int count)
    {
        var changes = new StoreChanges();
        for (var i = 0; i < count; i++) changes.Publish(OutboxMessage.Create("test", at, ["bureau:000000"], new { i }));
        await _store.CommitAsync(changes);
        return [.. (await _feed.ReadEventsAsync(await _feed.GetLatestCursorAsync() - count, null, count)).Select(e => e.Cursor)];
    }

    private async Task<Recording> RunAsync(Recording consumer, MarketplaceSettings settings, int expect)
    {
        using var dispatcher = Dispatcher(consumer, settings);
        await dispatcher.StartAsync(CancellationToken.None);
        await WaitAsync(() => expect > 0 && consumer.Cursors.Count >= expect, TimeSpan.FromSeconds(expect > 0 ? 5 : 1));
        await dispatcher.StopAsync(CancellationToken.None);
        return consumer;
    }

    private OutboxDispatcher Dispatcher(IOutboxConsumer consumer, MarketplaceSettings settings, string instance = "test-instance", TimeProvider? clock = null) =>
        new(_feed, [consumer], new OutboxSignal(), settings, _leases, new InstanceId(instance), clock ?? TimeProvider.System, NullLogger<OutboxDispatcher>.Instance);

    private static async Task WaitAsync(Func<bool> done, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until && !done()) await Task.Delay(20);
    }

    /// <summary>Records what it is handed; with a <see cref="Gate"/>, holds its first batch until the gate opens.</summary>
    private sealed class Recording(string name, bool live) : IOutboxConsumer
    {
        public TaskCompletionSource? Gate { get; init; }
        public TaskCompletionSource FirstBatchStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public System.Collections.Concurrent.ConcurrentQueue<long[]> Batches { get; } = new();
        public List<long> Cursors => [.. Batches.SelectMany(b => b)];
        public string Name => name;
        public bool IsLive => live;

        public async Task HandleAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken ct)
        {
            var first = Batches.IsEmpty;
            Batches.Enqueue([.. batch.Select(m => m.Cursor)]);
            if (!first || Gate is null) return;
            FirstBatchStarted.TrySetResult();
            await Gate.Task.WaitAsync(ct);
        }
    }
}
