using Marketplace.Api.Configuration;
using Marketplace.Api.Hosting;
using Marketplace.Core.Families;

namespace Marketplace.Api.Families;

/// <summary>
/// Deletes pupils no roster import has listed for <see cref="RetentionSettings.Pupils"/> (left the school, graduated without their
/// class being purged), and guardians left without any child, every <see cref="RetentionSettings.Sweep"/>. Deletes are guarded by
/// versions, so several instances may sweep at once.
/// </summary>
internal sealed partial class PupilRetentionService(PupilCommands commands, Auth.StandingCache standings, MarketplaceSettings settings, TimeProvider clock,
    ILogger<PupilRetentionService> logger)
    : PeriodicSweep(settings.Retention.Sweep, clock, logger, runAtStart: true)
{
    /// <summary>The timer's sweep: <see cref="SweepAsync"/>, which logs its own failure.</summary>
    protected override Task SweepOnceAsync(CancellationToken ct) => SweepAsync(ct);

    /// <summary>One sweep; a failure is logged and the next sweep tries again.</summary>
    internal async Task<int?> SweepAsync(CancellationToken ct)
    {
        try
        {
            var deleted = await commands.PurgeUnrosteredAsync(Clock.GetUtcNow() - settings.Retention.Pupils, ct);
            standings.Forget(deleted.Guardians);
            if (deleted.Pupils > 0) LogDeleted(logger, deleted.Pupils);
            return deleted.Pupils;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Pupils} pupils no roster listed within Marketplace:Retention:Pupils")]
    private static partial void LogDeleted(ILogger logger, int pupils);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pupil retention sweep failed; the next one tries again")]
    private static partial void LogFailed(ILogger logger, Exception e);
}
