using Marketplace.Core.Persistence;
using Marketplace.Core.Search;

namespace Marketplace.Api.Outbox;

/// <summary>Feeds the offering index from the outbox, so the index never misses a committed change.</summary>
internal sealed class IndexProjectionConsumer(OfferingProjection projection, Configuration.MarketplaceSettings settings) : IOutboxConsumer
{
    // The embedded Lucene index lives in this instance's data folder; Elasticsearch is shared by all instances.
    public string Name => settings.Search == Configuration.SearchKind.Lucene ? "index:" + settings.IndexDirectory : "index";

    public bool IsLive => false;

    public Task HandleAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken ct) => projection.ApplyAsync(batch, ct);
}
