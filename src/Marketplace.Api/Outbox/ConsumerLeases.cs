using Marketplace.Core.Persistence;

namespace Marketplace.Api.Outbox;

/// <summary>
/// The leases <c>outbox:{consumer}</c> of one dispatcher's durable consumers: of several instances only the holder handles
/// a consumer's batches. Taken and renewed from the dispatcher's own rounds (it polls every 500 ms even when idle), once a
/// third of the lease has passed; an instance without it asks again every <see cref="StandbyRetry"/>.
/// </summary>
internal sealed partial class ConsumerLeases(ILeases leases, InstanceId instance, TimeProvider clock, ILogger logger)
{
    /// <summary>A holder that dies is replaced within about this long (plus <see cref="StandbyRetry"/>).</summary>
    internal static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StandbyRetry = TimeSpan.FromSeconds(2);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _heldUntil = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _standbyUntil = new();

    /// <summary>Whether this instance holds the consumer's lease, taking or renewing it when due.</summary>
    public async Task<bool> HoldAsync(string consumer, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_heldUntil.TryGetValue(consumer, out var until) && until - now > Duration * 2 / 3) return true;
        if (_standbyUntil.TryGetValue(consumer, out var standby) && now < standby) return false;
        if (await leases.TryAcquireAsync(Name(consumer), instance.Value, now, Duration, ct))
        {
            _heldUntil[consumer] = now + Duration;
            return true;
        }
        _heldUntil.TryRemove(consumer, out _);
        _standbyUntil[consumer] = now + StandbyRetry;
        return false;
    }

    /// <summary>At shutdown: another instance takes the consumers over at its next try instead of when the leases run out.</summary>
    public async Task ReleaseAllAsync()
    {
        foreach (var consumer in _heldUntil.Keys)
        {
            try
            {
                await leases.ReleaseAsync(Name(consumer), instance.Value, CancellationToken.None);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogReleaseFailed(logger, e, consumer); // it runs out on its own
            }
        }
    }

    private static string Name(string consumer) => "outbox:" + consumer;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release the lease of outbox consumer {Consumer}; it runs out on its own")]
    private static partial void LogReleaseFailed(ILogger logger, Exception e, string consumer);
}
