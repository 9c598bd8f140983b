using Marketplace.Api.Configuration;
using Marketplace.Api.Hosting;
using Marketplace.Core.Bookings;

namespace Marketplace.Api.Bookings;

/// <summary>
/// Expires requests the provider did not answer in time, so their seats return to sale; and declines requests that reached a
/// provider as it was being suspended.
/// </summary>
internal sealed partial class BookingExpiryService(BookingCommands bookings, BookingSeriesCommands series, DeliveryCommands deliveries, MarketplaceSettings settings, ILogger<BookingExpiryService> logger)
    : PeriodicSweep(settings.BookingExpirySweep, TimeProvider.System, logger)
{
    protected override async Task SweepOnceAsync(CancellationToken ct)
    {
        // Series first: a series past its window expires with its open requests in one commit.
        var expiredSeries = await series.ExpireOverdueAsync(ct);
        if (expiredSeries > 0) LogExpiredSeries(logger, expiredSeries);
        var expired = await bookings.ExpireOverdueAsync(ct);
        if (expired > 0) LogExpired(logger, expired);
        var declined = await bookings.DeclineRequestsOfSuspendedProvidersAsync(ct);
        if (declined > 0) LogDeclined(logger, declined);
        // 据实结算: a recorded delivery the school left unanswered past the policy's days is confirmed (and posted).
        var confirmed = await deliveries.ConfirmOverdueAsync(ct);
        if (confirmed > 0) LogConfirmed(logger, confirmed);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Expired {Count} unanswered booking requests")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Expired {Count} unanswered booking series")]
    private static partial void LogExpiredSeries(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Confirmed {Count} deliveries the schools left unanswered")]
    private static partial void LogConfirmed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Declined {Count} open requests of suspended providers")]
    private static partial void LogDeclined(ILogger logger, int count);
}
