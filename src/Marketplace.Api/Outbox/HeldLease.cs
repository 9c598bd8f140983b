using Marketplace.Core.Persistence;

namespace Marketplace.Api.Outbox;

/// <summary>
/// A lease held for a long piece of work (an index rebuild): renewed every third of its duration until disposed, then
/// released so the next instance need not wait for it to run out. <see cref="Lost"/> is cancelled when another instance
/// took it over or it ran out before a renewal got through; the work should stop then.
/// </summary>
internal sealed partial class HeldLease : IAsyncDisposable
{
    private readonly ILeases _leases;
    private readonly string _name;
    private readonly string _holder;
    private readonly TimeSpan _duration;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _lost = new();
    private readonly Task _renewing;

    private HeldLease(ILeases leases, string name, string holder, TimeSpan duration, TimeProvider clock, ILogger logger, DateTimeOffset until)
    {
        (_leases, _name, _holder, _duration, _clock, _logger) = (leases, name, holder, duration, clock, logger);
        _renewing = RenewAsync(until);
    }

    public CancellationToken Lost => _lost.Token;

    /// <summary>The lease, or null when another instance holds it.</summary>
    public static async Task<HeldLease?> TryTakeAsync(ILeases leases, string name, string holder, TimeSpan duration, TimeProvider clock, ILogger logger, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return await leases.TryAcquireAsync(name, holder, now, duration, ct) ? new HeldLease(leases, name, holder, duration, clock, logger, now + duration) : null;
    }

    private async Task RenewAsync(DateTimeOffset until)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_duration / 3, _clock, _stop.Token);
                var now = _clock.GetUtcNow();
                try
                {
                    if (await _leases.TryAcquireAsync(_name, _holder, now, _duration, _stop.Token))
                    {
                        until = now + _duration;
                        continue;
                    }
                    LogTakenOver(_logger, _name);
                }
                catch (Exception e) when (!_stop.IsCancellationRequested)
                {
                    LogRenewalFailed(_logger, e, _name);
                    if (_clock.GetUtcNow() < until) continue; // still ours; the next renewal may get through
                }
                await _lost.CancelAsync();
                return;
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // disposed: the work is done
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        try
        {
            await _leases.ReleaseAsync(_name, _holder, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogReleaseFailed(_logger, e, _name); // it runs out on its own
        }
        _stop.Dispose();
        _lost.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease {Lease} was taken over by another instance")]
    private static partial void LogTakenOver(ILogger logger, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew lease {Lease}")]
    private static partial void LogRenewalFailed(ILogger logger, Exception e, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release lease {Lease}; it runs out on its own")]
    private static partial void LogReleaseFailed(ILogger logger, Exception e, string lease);
}
