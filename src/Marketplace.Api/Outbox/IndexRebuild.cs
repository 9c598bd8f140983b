using Marketplace.Core.Persistence;
using Marketplace.Core.Search;

namespace Marketplace.Api.Outbox;

/// <summary>Rebuilds the (derived) search index from the store: at first start, on the bureau's request, or from the CLI.</summary>
internal sealed class IndexRebuild(IOutboxFeed feed, IOfferingIndex index, OfferingProjection projection, IndexProjectionConsumer consumer)
{
    /// <summary>Rebuilds from a snapshot at least as new as the latest cursor; later events are re-applied by the dispatcher.</summary>
    public async Task<long> RebuildAsync(CancellationToken ct)
    {
        var cursor = await feed.GetLatestCursorAsync(ct);
        var count = await index.RebuildAsync(projection.AllDocumentsAsync(cursor, ct), ct);
        // Back to the snapshot's cursor, even if the dispatcher (here or on another instance) went further meanwhile:
        // events it applied to the old index during the rebuild are applied again to the new one. Stored complemented
        // (~cursor, negative): no batch in flight can have started from that value, so none can advance over the reset
        // (OutboxDispatcher reads it back as the cursor).
        await feed.ResetCheckpointAsync(consumer.Name, ~cursor, ct);
        return count;
    }
}

internal static class IndexRebuildCommand
{
    /// <summary>`dotnet run --project src/Marketplace.Api -- --rebuild-index`: no server, no demo seed; prints the count.</summary>
    public static async Task RebuildIndexAndExitAsync(this WebApplication app)
    {
        var services = app.Services;
        await services.GetRequiredService<IMarketplaceStore>().InitializeAsync();
        await services.GetRequiredService<IOfferingIndex>().InitializeAsync();
        var count = await services.GetRequiredService<IndexRebuild>().RebuildAsync(CancellationToken.None);
        Console.WriteLine($"Search index rebuilt from the store: {count} searchable offerings.");
        await app.DisposeAsync();
    }
}
