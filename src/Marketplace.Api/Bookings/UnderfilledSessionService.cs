using Marketplace.Api.Configuration;
using Marketplace.Core.Bookings;

namespace Marketplace.Api.Bookings;

/// <summary>
/// Flags 走出去 sessions still below minGroup at their decision deadline, on every instance at the booking sweep's pace
/// (Marketplace:BookingExpirySweep): a session is flagged once, by a commit guarded by its version, so instances never flag twice.
/// </summary>
internal sealed partial class UnderfilledSessionService(UnderfilledSessionCommands underfilled, MarketplaceSettings settings, TimeProvider clock,
    ILogger<UnderfilledSessionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.BookingExpirySweep, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var flagged = await underfilled.FlagDueAsync(stoppingToken);
                    if (flagged > 0) LogFlagged(logger, flagged);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Flagged {Count} underfilled off-campus sessions")]
    private static partial void LogFlagged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Underfilled session run failed")]
    private static partial void LogFailed(ILogger logger, Exception e);
}
