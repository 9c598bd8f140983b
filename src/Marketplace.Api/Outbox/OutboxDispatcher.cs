using Marketplace.Api.Configuration;
using Marketplace.Core.Persistence;

namespace Marketplace.Api.Outbox;

/// <summary>
/// Delivers committed outbox events in cursor order. Woken right after a local commit, polling as a
/// fallback (and to see commits of other instances).
/// <list type="bullet">
/// <item>Durable consumers: run only on the instance holding the consumer's lease (<see cref="ConsumerLeases"/>; the shared
/// Elasticsearch index is projected by one instance; another takes over when the lease runs out or is released at shutdown).
/// Handle, then advance the stored checkpoint by compare-and-set — at least once; a failing consumer (index down) keeps its
/// checkpoint and retries with back-off while the others go on. After a partial batch a durable consumer waits
/// <see cref="DurableBatchSpacing"/> so that events arriving meanwhile share its next batch.</item>
/// <item>Live consumers: start at the newest event. With a Redis backplane one instance claims each batch by
/// compare-and-set on a shared checkpoint, then pushes through the backplane (a joining instance leaves that
/// checkpoint where it is unless its backlog is stale); without one, each instance pushes every event to its own
/// connections. A push that fails (a Redis blip) is retried after <see cref="LivePushRetries"/>; only when those are
/// spent is the rest of the batch left to the change feed.</item>
/// </list>
/// </summary>
internal sealed partial class OutboxDispatcher(
    IOutboxFeed feed, IEnumerable<IOutboxConsumer> consumers, OutboxSignal signal, MarketplaceSettings settings, ILeases leases, InstanceId instance,
    TimeProvider clock, ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 500;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    // At most ~5 partial batches a second per durable consumer: each costs the Lucene index a commit (with fsync) and a
    // refresh, whatever its size. Well inside the index's freshness promise (2 s).
    private static readonly TimeSpan DurableBatchSpacing = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LiveBacklogStaleAfter = TimeSpan.FromSeconds(10);

    /// <summary>Pauses before each new try of a failed live push of one claimed batch: about 8 s in all, then it moves on.</summary>
    internal static readonly TimeSpan[] LivePushRetries =
        [TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)];

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _retryAt = new();
    private readonly ConsumerLeases _leases = new(leases, instance, clock, logger);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _livePositions = new();

    private bool SharedLive => settings.Backplane == BackplaneKind.Redis;

    /// <summary>Claimed batch by batch through the shared checkpoint: live pushes through the backplane, not per-instance listeners.</summary>
    private bool Shared(IOutboxConsumer consumer) => SharedLive && !consumer.PerInstance;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var latest = await feed.GetLatestCursorAsync(stoppingToken);
            foreach (var live in consumers.Where(c => c.IsLive))
            {
                if (Shared(live)) await JoinSharedLiveAsync(live.Name, latest, stoppingToken);
                else _livePositions[live.Name] = latest;
            }
            // One loop per consumer: a slow or failing index never holds back live pushes.
            await Task.WhenAll(consumers.Select(c => Task.Run(() => LoopAsync(c, stoppingToken), stoppingToken)));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
        finally
        {
            await _leases.ReleaseAllAsync();
        }
    }

    private async Task LoopAsync(IOutboxConsumer consumer, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var wake = signal.Next;
            if (consumer.IsLive)
            {
                if (await PushLiveAsync(consumer, ct)) continue;
            }
            else
            {
                var handled = await DispatchAsync(consumer, ct);
                if (handled == BatchSize) continue;
                // A partial batch: let the next events gather, so a busy store gives the index fewer, larger commits.
                if (handled > 0) await Task.Delay(DurableBatchSpacing, ct);
            }
            try { await wake.WaitAsync(PollInterval, ct); }
            catch (TimeoutException) { /* poll: other instances commit too */ }
        }
    }

    /// <summary>
    /// An instance joining the shared live checkpoint must not move it over events another instance is about to push
    /// (it claims them by compare-and-set from where the checkpoint stood: moving it would skip them for everyone, at
    /// every rolling deploy). It skips only a stale backlog — the oldest unpushed event older than
    /// <see cref="LiveBacklogStaleAfter"/>, so no instance has been pushing: live clients are not sent the history of a
    /// downtime; they catch up through the change feed.
    /// </summary>
    private async Task JoinSharedLiveAsync(string consumer, long latest, CancellationToken ct)
    {
        var at = await feed.GetCheckpointAsync(consumer, ct);
        var oldest = await feed.ReadEventsAsync(at, null, 1, ct);
        if (oldest.Count == 0 || clock.GetUtcNow() - oldest[0].At < LiveBacklogStaleAfter) return;
        await feed.TryAdvanceCheckpointAsync(consumer, at, latest, ct); // false: another instance moved it meanwhile
    }

    /// <summary>One batch for a durable consumer; how many events it handled (0 when none were waiting or it failed).</summary>
    private async Task<int> DispatchAsync(IOutboxConsumer consumer, CancellationToken ct)
    {
        if (_retryAt.TryGetValue(consumer.Name, out var at) && clock.GetUtcNow() < at) return 0;
        try
        {
            // Claimed before it is handled: with the lease, one instance projects into a shared index, not all of them.
            if (!await _leases.HoldAsync(consumer.Name, ct)) return 0;
            var stored = await feed.GetCheckpointAsync(consumer.Name, ct);
            var after = stored < 0 ? ~stored : stored; // negative: reset by an index rebuild, stored complemented (IndexRebuild)
            var batch = await feed.ReadEventsAsync(after, null, BatchSize, ct);
            if (batch.Count == 0) return 0;
            await consumer.HandleAsync(batch, ct);
            // Compare-and-set from the value this batch began at: if an index rebuild reset the checkpoint meanwhile (here
            // or on another instance), the advance is dropped and the next round reads from the reset point again — a
            // plain "move forward" would carry the checkpoint past events the new index has not seen.
            await feed.TryAdvanceCheckpointAsync(consumer.Name, stored, batch[^1].Cursor, ct);
            _retryAt.TryRemove(consumer.Name, out _);
            return batch.Count;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogConsumerFailed(logger, e, consumer.Name);
            _retryAt[consumer.Name] = clock.GetUtcNow().AddSeconds(2);
            return 0;
        }
    }

    private async Task<bool> PushLiveAsync(IOutboxConsumer consumer, CancellationToken ct)
    {
        try
        {
            var shared = Shared(consumer);
            var after = shared ? await feed.GetCheckpointAsync(consumer.Name, ct) : _livePositions[consumer.Name];
            var batch = await feed.ReadEventsAsync(after, null, BatchSize, ct);
            if (batch.Count == 0) return false;
            if (shared && !await feed.TryAdvanceCheckpointAsync(consumer.Name, after, batch[^1].Cursor, ct)) return true; // another instance took it
            _livePositions[consumer.Name] = batch[^1].Cursor;
            await PushAsync(consumer, batch, ct);
            return batch.Count == BatchSize;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogConsumerFailed(logger, e, consumer.Name);
            return false;
        }
    }

    /// <summary>
    /// Pushes a claimed batch event by event. A failed push is tried again after each pause of <see cref="LivePushRetries"/>
    /// (those pauses are the whole batch's allowance), from the event that failed, so the events before it are not pushed again; once they are
    /// spent the rest of the batch is logged and left to the change feed, which clients read after the last cursor they saw.
    /// </summary>
    private async Task PushAsync(IOutboxConsumer consumer, IReadOnlyList<OutboxMessage> batch, CancellationToken ct)
    {
        var retries = 0;
        for (var i = 0; i < batch.Count;)
        {
            try
            {
                await consumer.HandleAsync([batch[i]], ct);
                i++;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                if (retries == LivePushRetries.Length)
                {
                    LogLivePushAbandoned(logger, e, consumer.Name, batch[i].Cursor, batch[^1].Cursor);
                    return;
                }
                LogLivePushRetry(logger, e, consumer.Name, batch[i].Cursor, LivePushRetries[retries].TotalMilliseconds);
                await Task.Delay(LivePushRetries[retries++], clock, ct);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox consumer {Consumer} failed")]
    private static partial void LogConsumerFailed(ILogger logger, Exception e, string consumer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live push {Consumer} of cursor {Cursor} failed; trying again in {Pause} ms")]
    private static partial void LogLivePushRetry(ILogger logger, Exception e, string consumer, long cursor, double pause);

    [LoggerMessage(Level = LogLevel.Error, Message = "Live push {Consumer} gave up on cursors {From}..{To}; clients read them from the change feed")]
    private static partial void LogLivePushAbandoned(ILogger logger, Exception e, string consumer, long from, long to);
}
