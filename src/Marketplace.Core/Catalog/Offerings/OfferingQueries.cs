using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Catalog.Offerings;

/// <summary>
/// Published offerings of approved providers are public; drafts and reviews only for the owner and its bureaus. A school sees a
/// published one only where its district's white list has the provider and the offering is not blocked there (<see cref="DistrictReach"/>).
/// </summary>
public sealed class OfferingQueries(IMarketplaceStore store, ISchoolDistricts schools)
{
    public static bool IsPublic(Offering o, Provider p) => o.Status is OfferingStatus.Published && p.CanPublish;

    /// <summary>The owner and the bureaus (district or city) overseeing its provider's districts see every state of an offering and its review trail.</summary>
    public static bool IsOwnerOrBureau(Caller? caller, Offering o, Provider p) =>
        caller is not null && (caller.OrganizationId == o.ProviderId || caller.OverseesAny(p.Districts));

    public async Task<(Offering Offering, Provider Provider)> GetAsync(Caller? caller, Guid id, CancellationToken ct = default)
    {
        var offering = await store.FindAsync<Offering>(id, ct) ?? throw new NotFoundException("offering", id);
        var provider = await store.FindAsync<Provider>(offering.ProviderId, ct) ?? throw new NotFoundException("offering", id);
        if (IsOwnerOrBureau(caller, offering, provider)) return (offering, provider);
        // Anonymous callers and providers see every public offering; a school only what its district's schools may know of,
        // and what it holds a live booking of, even when paused, blocked or its provider suspended since: it keeps its sessions in view.
        var shown = IsPublic(offering, provider) && (caller is not { Role: Role.School }
            || (await schools.DistrictOfAsync(caller.OrganizationId, ct) is { } district && DistrictReach.IsShownIn(offering, provider, district)));
        if (!shown && !(caller is { Role: Role.School } && await store.HasLiveBookingAsync(caller.OrganizationId, offering.Id, ct)))
            throw new NotFoundException("offering", id);
        return (offering, provider);
    }

    /// <summary>Whether the caller may watch the offering's seats live: what <see cref="GetAsync"/> shows it.</summary>
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

    /// <summary>
    /// One page (id order, after <paramref name="after"/>) of a provider's own offerings (all states), or for a bureau (district,
    /// or city: read only) the offerings of the providers that applied to its districts; each with its provider's name. The bureau's providers are few next to
    /// their offerings, so their ids select the page in the store, and their names come with them: no look-up per row.
    /// </summary>
    public async Task<IReadOnlyList<(Offering Offering, string ProviderName)>> ListAsync(
        Caller caller, OfferingStatus? status, int limit, Guid? after, CancellationToken ct = default)
    {
        IReadOnlyList<Offering> offerings;
        IReadOnlyList<Provider> providers;
        if (caller.Role == Role.Provider)
        {
            offerings = await store.ListOfferingsAsync(new OfferingFilter(ProviderId: caller.OrganizationId, Status: status, Limit: limit, After: after), ct);
            providers = offerings.Count > 0 && await store.FindAsync<Provider>(caller.OrganizationId, ct) is { } own ? [own] : [];
        }
        else if (caller.Role is not (Role.Bureau or Role.CityBureau)) throw new ForbiddenException("forbidden.offering-list");
        else
        {
            providers = await store.ListProvidersAsync(new ProviderFilter(Districts: caller.Districts, Limit: int.MaxValue), ct);
            offerings = await store.ListOfferingsAsync(new OfferingFilter(ProviderIds: providers.Select(p => p.Id).ToArray(), Status: status, Limit: limit, After: after), ct);
        }
        var names = providers.ToDictionary(p => p.Id, p => p.Name);
        return offerings.Select(o => (o, names.GetValueOrDefault(o.ProviderId, ""))).ToList();
    }
}
