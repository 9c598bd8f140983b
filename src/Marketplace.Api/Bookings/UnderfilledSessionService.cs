using Marketplace.Api.Configuration;
using Marketplace.Api.Hosting;
using Marketplace.Core.Bookings;

namespace Marketplace.Api.Bookings;

/// <summary>
/// Flags 走出去 sessions still below minGroup at their decision deadline, on every instance at the booking sweep's pace
/// (Marketplace:BookingExpirySweep): a session is flagged once, by a commit guarded by its version, so instances never flag twice.
/// </summary>
internal sealed partial class UnderfilledSessionService(UnderfilledSessionCommands underfilled, MarketplaceSettings settings, TimeProvider clock,
    ILogger<UnderfilledSessionService> logger) : PeriodicSweep(settings.BookingExpirySweep, clock, logger)
{
    protected override async Task SweepOnceAsync(CancellationToken ct)
    {
        var flagged = await underfilled.FlagDueAsync(ct);
        if (flagged > 0) LogFlagged(logger, flagged);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Flagged {Count} underfilled off-campus sessions")]
    private static partial void LogFlagged(ILogger logger, int count);
}
