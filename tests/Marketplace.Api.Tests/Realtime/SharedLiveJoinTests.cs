using Marketplace.Api.Configuration;
using Marketplace.Api.Hosting;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Events;
using Marketplace.Core.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marketplace.Api.Tests.Realtime;

/// <summary>
/// With a Redis backplane the instances share one live checkpoint. An instance that starts while another has events
/// still to push must leave them to be pushed (moving the checkpoint skipped them at every rolling deploy); only a
/// stale backlog — nobody has been pushing — is skipped.
/// </summary>
public sealed class SharedLiveJoinTests
{
    private const string Consumer = "live-join-test";

    [Fact]
    public async Task AJoiningInstance_PushesRecentUnpushedEvents_AndSkipsOnlyAStaleBacklog()
    {
        using var factory = new MarketplaceFactory(new Dictionary<string, string?> { ["Marketplace:SeedDemo"] = "false" });
        factory.CreateClient().Dispose();
        var store = factory.Services.GetRequiredService<IMarketplaceStore>();
        var settings = factory.Services.GetRequiredService<MarketplaceSettings>() with { Backplane = BackplaneKind.Redis };
        await store.SetCheckpointAsync(Consumer, await store.GetLatestCursorAsync());

        // Committed a moment ago, not yet pushed by anyone: the joining instance claims and pushes them.
        var recent = await CommitAsync(store, DateTimeOffset.UtcNow, 3);
        var pushed = await RunDispatcherAsync(store, settings, expect: 3);
        Assert.Equal(recent, pushed);
        Assert.Equal(recent[^1], await store.GetCheckpointAsync(Consumer));

        // Unpushed for an hour (every instance was down): skipped, not sent to live clients.
        var stale = await CommitAsync(store, DateTimeOffset.UtcNow.AddHours(-1), 3);
        Assert.Empty(await RunDispatcherAsync(store, settings, expect: 0));
        Assert.Equal(stale[^1], await store.GetCheckpointAsync(Consumer));
    }

    private static async Task<List<long>> CommitAsync(IMarketplaceStore store, DateTimeOffset at, int count)
    {
        var changes = new StoreChanges();
        for (var i = 0; i < count; i++) changes.Publish(OutboxMessage.Create("test", at, ["bureau:000000"], new { i }));
        await store.CommitAsync(changes);
        return [.. (await store.ReadEventsAsync(await store.GetLatestCursorAsync() - count, null, count)).Select(e => e.Cursor)];
    }

    private static async Task<List<long>> RunDispatcherAsync(IMarketplaceStore store, MarketplaceSettings settings, int expect)
    {
        var consumer = new Recording();
        using var dispatcher = new OutboxDispatcher(store, [consumer], new OutboxSignal(), settings, NullLogger<OutboxDispatcher>.Instance);
        await dispatcher.StartAsync(CancellationToken.None);
        var until = DateTime.UtcNow.AddSeconds(expect > 0 ? 5 : 1);
        while (DateTime.UtcNow < until && (expect == 0 || consumer.Cursors.Count < expect)) await Task.Delay(20);
        await dispatcher.StopAsync(CancellationToken.None);
        return [.. consumer.Cursors];
    }

    private sealed class Recording : IOutboxConsumer
    {
        public System.Collections.Concurrent.ConcurrentQueue<long> Cursors { get; } = new();
        public string Name => Consumer;
        public bool IsLive => true;

        public Task HandleAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken ct)
        {
            foreach (var message in batch) Cursors.Enqueue(message.Cursor);
            return Task.CompletedTask;
        }
    }
}
