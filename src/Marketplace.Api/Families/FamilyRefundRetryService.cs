using Marketplace.Api.Hosting;
using Marketplace.Core.Families.Billing;

namespace Marketplace.Api.Families;

/// <summary>
/// Every hour, asks the gateways again for the family refunds still owed that no event will settle: refused ones (a new refund)
/// and ones whose answer was lost (the same key), on bills unchanged for the hour (<see cref="FamilyBilling.RetryRefundsAsync"/>).
/// Each bill's change is guarded by its version, so several instances may sweep at once.
/// </summary>
internal sealed partial class FamilyRefundRetryService(FamilyBilling billing, TimeProvider clock, ILogger<FamilyRefundRetryService> logger)
    : PeriodicSweep(Period, clock, logger)
{
    public static readonly TimeSpan Period = TimeSpan.FromHours(1);

    protected override async Task SweepOnceAsync(CancellationToken ct)
    {
        var (changed, failed) = await billing.RetryRefundsAsync(Clock.GetUtcNow() - Period, ct);
        if (changed > 0) LogRetried(logger, changed);
        if (failed > 0) LogFailedBills(logger, failed);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Family refunds: asked again on {Bills} bills")]
    private static partial void LogRetried(ILogger logger, int bills);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Family refunds: {Bills} bills could not be asked again (store or gateway failed); the next sweep tries again")]
    private static partial void LogFailedBills(ILogger logger, int bills);
}
