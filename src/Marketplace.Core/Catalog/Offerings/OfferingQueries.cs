using Marketplace.Core.Shared;

namespace Marketplace.Core.Catalog.Offerings;

/// <summary>Published offerings of approved providers are public; drafts and reviews only for the owner and its bureau.</summary>
public sealed class OfferingQueries(IMarketplaceStore store)
{
    public static bool IsPublic(Offering o, Provider p) => o.Status is OfferingStatus.Published && p.CanPublish;

    public async Task<(Offering Offering, Provider Provider)> GetAsync(Caller? caller, Guid id, CancellationToken ct = default)
    {
        var offering = await store.FindAsync<Offering>(id, ct) ?? throw new NotFoundException("offering", id);
        var provider = await store.FindAsync<Provider>(offering.ProviderId, ct) ?? throw new NotFoundException("offering", id);
        var visible = IsPublic(offering, provider)
            || caller is not null && (caller.OrganizationId == offering.ProviderId || caller.IsBureauOfAny(provider.Districts));
        return visible ? (offering, provider) : throw new NotFoundException("offering", id);
    }

    /// <summary>A provider's own offerings (all states), or for the bureau the review queue of its districts.</summary>
    public async Task<IReadOnlyList<Offering>> ListAsync(Caller caller, OfferingStatus? status, CancellationToken ct = default)
    {
        if (caller.Role == Role.Provider) return await store.ListOfferingsAsync(caller.OrganizationId, status, ct);
        if (caller.Role != Role.Bureau) throw new ForbiddenException("Schools find offerings through search.");
        var providers = (await store.ListProvidersAsync(null, ct)).Where(p => caller.IsBureauOfAny(p.Districts)).Select(p => p.Id).ToHashSet();
        return (await store.ListOfferingsAsync(null, status, ct)).Where(o => providers.Contains(o.ProviderId)).ToList();
    }
}
