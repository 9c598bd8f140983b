using Marketplace.Api.Configuration;
using Marketplace.Api.Hosting;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Events;
using Marketplace.Core.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marketplace.Api.Tests.Realtime;

/// <summary>
/// An index rebuild resets the index consumer's checkpoint to its snapshot so that later events reach the new index.
/// A batch that was in flight at that moment (here or on another instance) must not carry the checkpoint past them.
/// </summary>
public sealed class DurableCheckpointTests
{
    private const string Consumer = "durable-reset-test";

    [Fact]
    public async Task AResetDuringABatch_IsNotOverwritten_AndTheEventsAreHandledAgain()
    {
        using var factory = new MarketplaceFactory(new Dictionary<string, string?> { ["Marketplace:SeedDemo"] = "false" });
        factory.CreateClient().Dispose();
        var store = factory.Services.GetRequiredService<IMarketplaceStore>();
        var settings = factory.Services.GetRequiredService<MarketplaceSettings>();
        var start = await store.GetLatestCursorAsync();
        await store.SetCheckpointAsync(Consumer, start);
        var changes = new StoreChanges();
        for (var i = 0; i < 3; i++) changes.Publish(OutboxMessage.Create("test", DateTimeOffset.UtcNow, ["bureau:000000"], new { i }));
        await store.CommitAsync(changes);
        var end = await store.GetLatestCursorAsync();

        var consumer = new Gated();
        using var dispatcher = new OutboxDispatcher(store, [consumer], new OutboxSignal(), settings, NullLogger<OutboxDispatcher>.Instance);
        await dispatcher.StartAsync(CancellationToken.None);
        await consumer.FirstBatchStarted.Task.WaitAsync(TimeSpan.FromSeconds(5));
        // The rebuild's reset to its snapshot cursor — here the very cursor the batch began from — while the batch is handled.
        await store.ResetCheckpointAsync(Consumer, ~start);
        consumer.Release.TrySetResult();

        var until = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < until && consumer.Batches.Count < 2) await Task.Delay(20);
        await dispatcher.StopAsync(CancellationToken.None);

        Assert.True(consumer.Batches.Count >= 2, $"the events after the reset were handled again; batches: {string.Join(" / ", consumer.Batches.Select(b => string.Join(",", b)))}; start {start}, end {end}, checkpoint {await store.GetCheckpointAsync(Consumer)}; {factory.Warnings}");
        Assert.Equal(Enumerable.Range(1, 3).Select(n => start + n), consumer.Batches.ElementAt(1));
        Assert.Equal(end, await store.GetCheckpointAsync(Consumer));
    }

    private sealed class Gated : IOutboxConsumer
    {
        public TaskCompletionSource FirstBatchStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public System.Collections.Concurrent.ConcurrentQueue<long[]> Batches { get; } = new();
        public string Name => Consumer;
        public bool IsLive => false;

        public async Task HandleAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken ct)
        {
            var first = Batches.IsEmpty;
            Batches.Enqueue([.. batch.Select(m => m.Cursor)]);
            if (!first) return;
            FirstBatchStarted.TrySetResult();
            await Release.Task.WaitAsync(ct);
        }
    }
}
