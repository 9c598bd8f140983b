using Marketplace.Api.Configuration;
using Marketplace.Api.Outbox;
using Marketplace.Api.Seed;
using Marketplace.Core.Persistence;
using Marketplace.Core.Search;

namespace Marketplace.Api.Hosting;

/// <summary>
/// Runs before the server accepts requests: schema migrations, index creation, the demo seed
/// (Development only) and, when the index is new, of another schema (either adapter) or of another store history (a restored
/// backup: <see cref="IndexRebuild.HistoryMismatchAsync"/>), a rebuild from the store — by one
/// instance of several starting together (<see cref="IndexRebuild.RebuildAtStartupAsync"/>).
/// </summary>
internal sealed class StartupInitializer(
    IMarketplaceStore store, IOfferingIndex index, IndexRebuild rebuild, MarketplaceSettings settings, DemoSeeder seeder,
    TimeProvider clock, ILogger<StartupInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(settings.DataDirectory);
        await store.InitializeAsync(cancellationToken);
        var indexNeedsRebuild = await InitializeIndexAsync(cancellationToken);
        // An index of another store history (a restored backup) is rebuilt before the server answers: it would serve
        // offerings the store does not hold and ignore the store's versioned writes below its own.
        if (!indexNeedsRebuild) indexNeedsRebuild = await rebuild.HistoryMismatchAsync(cancellationToken) is not null;
        if (settings.SeedDemo) await seeder.SeedOnceAsync(cancellationToken);
        if (indexNeedsRebuild) await rebuild.RebuildAtStartupAsync(cancellationToken); // one instance rebuilds, the others wait
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Elasticsearch may still be starting when the app does (a node restart, containers started together): start-up
    /// retries with growing pauses for <see cref="MarketplaceSettings.SearchStartupWait"/> before it gives up.
    /// </summary>
    private async Task<bool> InitializeIndexAsync(CancellationToken ct)
    {
        var giveUpAt = clock.GetUtcNow() + settings.SearchStartupWait;
        var pause = TimeSpan.FromSeconds(1);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await index.InitializeAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException && clock.GetUtcNow() + pause < giveUpAt)
            {
                logger.LogWarning("Search index not ready (attempt {Attempt}: {Error}); retrying in {Pause} s", attempt, e.Message, pause.TotalSeconds);
                await Task.Delay(pause, ct);
                pause = TimeSpan.FromSeconds(Math.Min(pause.TotalSeconds * 2, 10));
            }
        }
    }
}
