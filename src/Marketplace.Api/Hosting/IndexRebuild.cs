using Marketplace.Api.Search;
using Marketplace.Core.Search;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Hosting;

/// <summary>Rebuilds the (derived) search index from the store: at first start, on the bureau's request, or from the CLI.</summary>
internal static class IndexRebuild
{
    /// <summary>Rebuilds from a snapshot at least as new as the latest cursor; later events are re-applied by the dispatcher.</summary>
    public static async Task<long> RebuildAsync(IMarketplaceStore store, IOfferingIndex index, OfferingProjection projection, string consumer, CancellationToken ct)
    {
        var cursor = await store.GetLatestCursorAsync(ct);
        var count = await index.RebuildAsync(projection.AllDocumentsAsync(cursor, ct), ct);
        // Back to the snapshot's cursor, even if the dispatcher (here or on another instance) went further meanwhile:
        // events it applied to the old index during the rebuild are applied again to the new one. Stored complemented
        // (~cursor, negative): no batch in flight can have started from that value, so none can advance over the reset
        // (OutboxDispatcher reads it back as the cursor).
        await store.ResetCheckpointAsync(consumer, ~cursor, ct);
        return count;
    }

    /// <summary>`dotnet run --project src/Marketplace.Api -- --rebuild-index`: no server, no demo seed; prints the count.</summary>
    public static async Task RebuildIndexAndExitAsync(this WebApplication app)
    {
        var services = app.Services;
        var store = services.GetRequiredService<IMarketplaceStore>();
        var index = services.GetRequiredService<IOfferingIndex>();
        await store.InitializeAsync();
        await index.InitializeAsync();
        var count = await RebuildAsync(store, index, services.GetRequiredService<OfferingProjection>(), services.GetRequiredService<IndexOutboxConsumer>().Name, CancellationToken.None);
        Console.WriteLine($"Search index rebuilt from the store: {count} searchable offerings.");
        await app.DisposeAsync();
    }
}
