using Marketplace.Core.Persistence;
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

    /// <summary>Whether the caller may watch the offering's seats live: anyone a published one, the owner and its bureau any.</summary>
    public async Task<bool> IsVisibleAsync(Caller? caller, Guid id, CancellationToken ct = default)
    {
        try
        {
            await GetAsync(caller, id, ct);
            return true;
        }
        catch (NotFoundException)
        {
            return false;
        }
    }

    /// <summary>A provider's own offerings (all states), or for the bureau the review queue of its districts; each with its provider's name.</summary>
    public async Task<IReadOnlyList<(Offering Offering, string ProviderName)>> ListAsync(Caller caller, OfferingStatus? status, CancellationToken ct = default)
    {
        IReadOnlyList<Offering> offerings;
        if (caller.Role == Role.Provider) offerings = await store.ListOfferingsAsync(caller.OrganizationId, status, ct);
        else if (caller.Role != Role.Bureau) throw new ForbiddenException("Schools find offerings through search.");
        else
        {
            var providers = (await store.ListProvidersAsync(null, ct)).Where(p => caller.IsBureauOfAny(p.Districts)).Select(p => p.Id).ToHashSet();
            offerings = (await store.ListOfferingsAsync(null, status, ct)).Where(o => providers.Contains(o.ProviderId)).ToList();
        }
        var names = (await store.FindManyAsync<Provider>(offerings.Select(o => o.ProviderId).Distinct().ToArray(), ct)).ToDictionary(p => p.Id, p => p.Name);
        return offerings.Select(o => (o, names.GetValueOrDefault(o.ProviderId, ""))).ToList();
    }
}
