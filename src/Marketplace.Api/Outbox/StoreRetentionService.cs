using Marketplace.Api.Configuration;
using Marketplace.Api.Hosting;
using Marketplace.Core.Persistence;

namespace Marketplace.Api.Outbox;

/// <summary>
/// Keeps the outbox and the idempotency records from growing forever: every <see cref="RetentionSettings.Sweep"/> it deletes
/// events older than <see cref="RetentionSettings.Outbox"/> that every active consumer has read, and idempotency records older
/// than <see cref="RetentionSettings.Idempotency"/> (MongoDB's own TTL index does those). Several instances may sweep at once.
/// </summary>
internal sealed partial class StoreRetentionService(IStoreRetention store, MarketplaceSettings settings, TimeProvider clock, ILogger<StoreRetentionService> logger)
    : PeriodicSweep(settings.Retention.Sweep, clock, logger, runAtStart: true)
{
    /// <summary>The timer's sweep: <see cref="SweepAsync"/>, which logs its own failure.</summary>
    protected override Task SweepOnceAsync(CancellationToken ct) => SweepAsync(ct);

    /// <summary>One sweep; a failure is logged and the next sweep tries again.</summary>
    internal async Task<RetentionResult?> SweepAsync(CancellationToken ct)
    {
        var now = Clock.GetUtcNow();
        try
        {
            var result = await store.PruneAsync(new RetentionCutoffs(now - settings.Retention.Outbox, now - settings.Retention.Idempotency), ct);
            if (result.EventsDeleted + result.IdempotencyRecordsDeleted > 0)
                LogPruned(logger, result.EventsDeleted, result.IdempotencyRecordsDeleted);
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Events} outbox events and {Records} idempotency records")]
    private static partial void LogPruned(ILogger logger, long events, long records);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention sweep failed; the next one tries again")]
    private static partial void LogFailed(ILogger logger, Exception e);
}
