using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Catalog.Sessions;

public sealed class SessionQueries(IMarketplaceStore store, OfferingQueries offerings)
{
    /// <summary>The sessions of an offering the caller may see (<see cref="OfferingQueries.GetAsync"/>).</summary>
    public async Task<IReadOnlyList<Session>> ListAsync(Caller? caller, Guid offeringId, CancellationToken ct = default)
    {
        await offerings.GetAsync(caller, offeringId, ct);
        return await store.ListSessionsAsync(offeringId, ct);
    }
}
