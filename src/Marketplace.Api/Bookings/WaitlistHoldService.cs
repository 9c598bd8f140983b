using Marketplace.Api.Configuration;
using Marketplace.Api.Hosting;
using Marketplace.Core.Bookings;

namespace Marketplace.Api.Bookings;

/// <summary>
/// Every <c>Marketplace:BookingExpirySweep</c>: lapses waiting-list holds that ran out (their seats pass to the next group in
/// the same commit), then the repair pass holds seats for Waiting groups that fit a session's free seats.
/// </summary>
internal sealed partial class WaitlistHoldService(WaitlistCommands waitlist, MarketplaceSettings settings, ILogger<WaitlistHoldService> logger)
    : PeriodicSweep(settings.BookingExpirySweep, TimeProvider.System, logger)
{
    protected override async Task SweepOnceAsync(CancellationToken ct)
    {
        var lapsed = await waitlist.LapseOverdueAsync(ct);
        if (lapsed > 0) LogLapsed(logger, lapsed);
        var held = await waitlist.PromoteWaitingAsync(ct);
        if (held > 0) LogHeld(logger, held);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Lapsed {Count} waiting-list holds")]
    private static partial void LogLapsed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Repair pass held seats for {Count} waiting groups")]
    private static partial void LogHeld(ILogger logger, int count);
}
