using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Catalog.Providers;

/// <summary>Who may see a provider's full record (contact, audit trail): itself and the bureau of its districts.</summary>
public sealed class ProviderQueries(IMarketplaceStore store)
{
    public async Task<Provider> GetAsync(Caller caller, Guid id, CancellationToken ct = default)
    {
        var provider = await store.FindAsync<Provider>(id, ct);
        if (provider is null || !(caller.OrganizationId == id || caller.IsBureauOfAny(provider.Districts)))
            throw new NotFoundException("provider", id);
        return provider;
    }

    /// <summary>One page (id order, after <paramref name="after"/>) of the providers serving any of the bureau's districts.</summary>
    public Task<IReadOnlyList<Provider>> ListForBureauAsync(Caller caller, ProviderStatus? status, int limit, Guid? after, CancellationToken ct = default)
    {
        if (caller.Role != Role.Bureau) throw new ForbiddenException("forbidden.provider-list");
        return store.ListProvidersAsync(new ProviderFilter(status, caller.Districts, limit, after), ct);
    }
}
