namespace Marketplace.Api.Hosting;

/// <summary>
/// A background service that runs one sweep every <c>period</c> on every instance (the sweeps are guarded by versions, so
/// instances may sweep at once). A failed sweep is logged and the next tick tries again; stopping the host ends the loop.
/// <paramref name="runAtStart"/>: the first sweep runs at start instead of after the first period.
/// </summary>
internal abstract partial class PeriodicSweep(TimeSpan period, TimeProvider clock, ILogger logger, bool runAtStart = false) : BackgroundService
{
    /// <summary>The clock the timer runs on (the sweep's "now").</summary>
    protected TimeProvider Clock => clock;

    /// <summary>One sweep. May throw: the failure is logged and the next tick tries again.</summary>
    protected abstract Task SweepOnceAsync(CancellationToken ct);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(period, clock);
        try
        {
            if (runAtStart) await RunAsync(stoppingToken);
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await SweepOnceAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, GetType().Name, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Sweep} failed; the next run tries again")]
    private static partial void LogFailed(ILogger logger, string sweep, Exception e);
}
