using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Catalog.Providers;

/// <summary>Who may see a provider's full record (contact, audit trail): itself and the bureaus (district or city) of its districts.</summary>
public sealed class ProviderQueries(IMarketplaceStore store)
{
    public async Task<Provider> GetAsync(Caller caller, Guid id, CancellationToken ct = default)
    {
        var provider = await store.FindAsync<Provider>(id, ct);
        if (provider is null || !(caller.OrganizationId == id || caller.OverseesAny(provider.Districts)))
            throw new NotFoundException("provider", id);
        return provider;
    }

    /// <summary>
    /// One page (id order, after <paramref name="after"/>) of the providers that applied to any of the caller's districts (a
    /// district bureau its own, a city bureau its city's); with <paramref name="status"/>, those whose entry in one of those
    /// districts has it (a provider approved elsewhere but pending here is in this bureau's queue).
    /// </summary>
    public Task<IReadOnlyList<Provider>> ListForBureauAsync(Caller caller, ProviderStatus? status, int limit, Guid? after, CancellationToken ct = default)
    {
        if (caller.Role is not (Role.Bureau or Role.CityBureau)) throw new ForbiddenException("forbidden.provider-list");
        return store.ListProvidersAsync(new ProviderFilter(status, caller.Districts, limit, after), ct);
    }
}
