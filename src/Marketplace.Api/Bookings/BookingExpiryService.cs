using Marketplace.Api.Configuration;
using Marketplace.Core.Bookings;

namespace Marketplace.Api.Bookings;

/// <summary>Expires requests the provider did not answer in time, so their seats return to sale.</summary>
internal sealed partial class BookingExpiryService(BookingCommands bookings, MarketplaceSettings settings, ILogger<BookingExpiryService> logger) : BackgroundService
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
                    var expired = await bookings.ExpireOverdueAsync(stoppingToken);
                    if (expired > 0) LogExpired(logger, expired);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Expired {Count} unanswered booking requests")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Booking expiry run failed")]
    private static partial void LogFailed(ILogger logger, Exception e);
}
