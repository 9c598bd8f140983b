using Marketplace.Api.Configuration;
using Marketplace.Core.Bookings;

namespace Marketplace.Api.Bookings;

/// <summary>
/// Every <c>Marketplace:BookingExpirySweep</c>: lapses waiting-list holds that ran out (their seats pass to the next group in
/// the same commit), then the repair pass holds seats for Waiting groups that fit a session's free seats.
/// </summary>
internal sealed partial class WaitlistHoldService(WaitlistCommands waitlist, MarketplaceSettings settings, ILogger<WaitlistHoldService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.BookingExpirySweep);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var lapsed = await waitlist.LapseOverdueAsync(stoppingToken);
                    if (lapsed > 0) LogLapsed(logger, lapsed);
                    var held = await waitlist.PromoteWaitingAsync(stoppingToken);
                    if (held > 0) LogHeld(logger, held);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Lapsed {Count} waiting-list holds")]
    private static partial void LogLapsed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Repair pass held seats for {Count} waiting groups")]
    private static partial void LogHeld(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting-list sweep failed")]
    private static partial void LogFailed(ILogger logger, Exception e);
}
