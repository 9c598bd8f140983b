using Marketplace.Api.Configuration;
using Marketplace.Api.Search;
using Marketplace.Api.Seed;
using Marketplace.Core.Search;
using Marketplace.Core.Shared;
using Marketplace.Search.Lucene;

namespace Marketplace.Api.Hosting;

/// <summary>
/// Runs before the server accepts requests: schema migrations, index creation, the demo seed
/// (Development only) and, when the embedded index is new, a rebuild from the store.
/// </summary>
internal sealed class StartupInitializer(
    IMarketplaceStore store, IOfferingIndex index, OfferingProjection projection, IndexOutboxConsumer indexConsumer,
    MarketplaceSettings settings, SearchSynonyms synonyms, DemoSeeder seeder) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(settings.DataDirectory);
        var indexIsNew = settings.Search == SearchKind.Lucene && !IndexSchema.HasCurrentIndex(settings.IndexDirectory, synonyms);
        await store.InitializeAsync(cancellationToken);
        await index.InitializeAsync(cancellationToken);
        if (settings.SeedDemo) await seeder.SeedOnceAsync(cancellationToken);
        if (indexIsNew) await IndexRebuild.RebuildAsync(store, index, projection, indexConsumer.Name, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
