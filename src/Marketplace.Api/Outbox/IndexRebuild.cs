using Marketplace.Core.Persistence;
using Marketplace.Core.Search;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Outbox;

/// <summary>
/// Rebuilds the (derived) search index from the store: at first start, on the bureau's request, or from the CLI. Exactly
/// one instance rebuilds a shared index at a time: it holds the lease <c>rebuild:{consumer}</c> in the store, renewed while
/// it works (the Lucene consumer's name holds the instance's own folder, so there the lease never meets another instance).
/// </summary>
internal sealed partial class IndexRebuild(
    IOutboxFeed feed, IStoreEpoch epochs, IOfferingIndex index, OfferingProjection projection, IndexProjectionConsumer consumer, ILeases leases, InstanceId instance,
    TimeProvider clock, ILogger<IndexRebuild> logger)
{
    internal static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(30);

    /// <summary>How long a starting instance waits for another's rebuild before it serves the index as it is.</summary>
    internal static readonly TimeSpan StartupWait = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan WaitStep = TimeSpan.FromSeconds(1);

    private string LeaseName => "rebuild:" + consumer.Name;

    /// <summary>On request: rebuilds now, or refuses (409) while another instance is rebuilding the same index.</summary>
    public async Task<long> RebuildAsync(CancellationToken ct)
    {
        await using var lease = await TakeLeaseAsync(ct) ?? throw RebuildRunning();
        try
        {
            return await RebuildHoldingAsync(lease, ct);
        }
        catch (OperationCanceledException) when (lease.Lost.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw RebuildRunning(); // another instance took the lease over and rebuilds
        }
    }

    private static DomainRuleException RebuildRunning() => new("index-rebuild-running");

    /// <summary>
    /// Why the live index cannot serve this store (<see cref="IndexWatermark.OtherEpoch"/>, <see cref="IndexWatermark.Ahead"/>:
    /// the store was restored, or replaced by hand), or null. The index is read first: what it holds was committed before the
    /// store's cursor is read, so within one history it is never found ahead.
    /// </summary>
    public async Task<string?> HistoryMismatchAsync(CancellationToken ct)
    {
        var watermark = await index.GetWatermarkAsync(ct);
        var epoch = await epochs.GetEpochAsync(ct);
        var mismatch = watermark.MismatchWith(epoch, await feed.GetLatestCursorAsync(ct));
        if (mismatch is not null) LogOtherHistory(logger, consumer.Name, mismatch, watermark.Epoch ?? "(none)", watermark.Cursor, epoch);
        return mismatch;
    }

    /// <summary>
    /// At start-up, for an index that needs it: of several instances starting together, the one that takes the lease
    /// rebuilds; the others wait for it (logging, at most <see cref="StartupWait"/>), then see the index current and serve
    /// it. If the rebuild failed or its instance died, the next one to get the lease rebuilds. True when this instance rebuilt.
    /// </summary>
    public async Task<bool> RebuildAtStartupAsync(CancellationToken ct)
    {
        var giveUpAt = clock.GetUtcNow() + StartupWait;
        for (var waited = false; ; waited = true)
        {
            if (await TakeLeaseAsync(ct) is { } lease)
            {
                await using (lease)
                {
                    if (waited && !await index.InitializeAsync(ct) && await HistoryMismatchAsync(ct) is null)
                    {
                        LogBuiltByAnother(logger, consumer.Name);
                        return false;
                    }
                    try
                    {
                        var count = await RebuildHoldingAsync(lease, ct);
                        LogRebuilt(logger, consumer.Name, count);
                        return true;
                    }
                    catch (OperationCanceledException) when (lease.Lost.IsCancellationRequested && !ct.IsCancellationRequested)
                    {
                        LogLeaseLost(logger, consumer.Name); // another instance took over: wait for it like the others
                    }
                }
            }
            if (clock.GetUtcNow() >= giveUpAt)
            {
                LogGaveUpWaiting(logger, consumer.Name, StartupWait.TotalMinutes);
                return false;
            }
            if (!waited) LogWaiting(logger, consumer.Name);
            await Task.Delay(WaitStep, clock, ct);
        }
    }

    private Task<HeldLease?> TakeLeaseAsync(CancellationToken ct) =>
        HeldLease.TryTakeAsync(leases, LeaseName, instance.Value, LeaseTime, clock, logger, ct);

    /// <summary>Rebuilds from a snapshot at least as new as the latest cursor; later events are re-applied by the dispatcher.
    /// Stops if the lease is lost (another instance then rebuilds; the adapter deletes its unfinished index).</summary>
    private async Task<long> RebuildHoldingAsync(HeldLease lease, CancellationToken ct)
    {
        using var work = CancellationTokenSource.CreateLinkedTokenSource(ct, lease.Lost);
        // The epoch before the snapshot: a restore marked meanwhile leaves this index of the old epoch, so it is rebuilt again.
        var epoch = await epochs.GetEpochAsync(work.Token);
        var cursor = await feed.GetLatestCursorAsync(work.Token);
        var count = await index.RebuildAsync(projection.AllDocumentsAsync(cursor, work.Token), epoch, work.Token);
        // Back to the snapshot's cursor, even if the dispatcher (here or on another instance) went further meanwhile:
        // events it applied to the old index during the rebuild are applied again to the new one. Stored complemented
        // (~cursor, negative): no batch in flight can have started from that value, so none can advance over the reset
        // (OutboxDispatcher reads it back as the cursor).
        await feed.ResetCheckpointAsync(consumer.Name, ~cursor, work.Token);
        return count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Search index {Consumer} reflects another store history ({Mismatch}: index epoch {IndexEpoch} up to cursor {IndexCursor}, store epoch {StoreEpoch}); it is rebuilt")]
    private static partial void LogOtherHistory(ILogger logger, string consumer, string mismatch, string indexEpoch, long indexCursor, string storeEpoch);

    [LoggerMessage(Level = LogLevel.Information, Message = "Another instance is rebuilding search index {Consumer}; waiting for it")]
    private static partial void LogWaiting(ILogger logger, string consumer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Search index {Consumer} was rebuilt by another instance; serving it")]
    private static partial void LogBuiltByAnother(ILogger logger, string consumer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Search index {Consumer} rebuilt from the store: {Count} searchable offerings")]
    private static partial void LogRebuilt(ILogger logger, string consumer, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the lease while rebuilding search index {Consumer}; another instance rebuilds it")]
    private static partial void LogLeaseLost(ILogger logger, string consumer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Search index {Consumer} is still being rebuilt by another instance after {Minutes} min; serving it as it is meanwhile")]
    private static partial void LogGaveUpWaiting(ILogger logger, string consumer, double minutes);
}

internal static class IndexRebuildCommand
{
    /// <summary>`dotnet run --project src/Marketplace.Api -- --rebuild-index`: no server, no demo seed; prints the count.</summary>
    public static async Task RebuildIndexAndExitAsync(this WebApplication app)
    {
        var services = app.Services;
        await services.GetRequiredService<IMarketplaceStore>().InitializeAsync();
        await services.GetRequiredService<IOfferingIndex>().InitializeAsync();
        var count = await services.GetRequiredService<IndexRebuild>().RebuildAsync(CancellationToken.None);
        Console.WriteLine($"Search index rebuilt from the store: {count} searchable offerings.");
        await app.DisposeAsync();
    }
}
