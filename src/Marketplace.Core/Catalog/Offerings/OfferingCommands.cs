using Marketplace.Core.Shared;

namespace Marketplace.Core.Catalog.Offerings;

public enum OfferingAction { Submit, Approve, Reject, Pause, Resume, Archive }

/// <summary>Create, edit (optimistic concurrency) and move offerings through review and publication.</summary>
public sealed class OfferingCommands(IMarketplaceStore store, TimeProvider clock)
{
    public async Task<Offering> CreateAsync(Caller caller, OfferingInput input, CancellationToken ct = default)
    {
        if (caller.Role != Role.Provider) throw new ForbiddenException("Only providers create offerings.");
        var provider = await store.FindAsync<Provider>(caller.OrganizationId, ct) ?? throw new NotFoundException("provider", caller.OrganizationId);
        var content = input.Validate(await KnownDistrictsAsync(ct));
        var now = clock.GetUtcNow();
        var offering = Offering.Create(provider.Id, content, now);
        await store.CommitAsync(new StoreChanges().Insert(offering).Publish(OfferingEvents.Changed(offering, provider, now)), ct);
        return offering;
    }

    public async Task<Offering> EditAsync(Caller caller, Guid id, long ifMatchVersion, OfferingInput input, CancellationToken ct = default)
    {
        var (offering, provider) = await LoadOwnedAsync(caller, id, ct);
        if (offering.Version != ifMatchVersion) throw new ConcurrencyConflictException("offering", id);
        var content = input.Validate(await KnownDistrictsAsync(ct));
        var now = clock.GetUtcNow();
        offering.Edit(content, now);
        await store.CommitAsync(new StoreChanges().Update(offering, ifMatchVersion).Publish(OfferingEvents.Changed(offering, provider, now)), ct);
        return offering;
    }

    /// <summary>With <paramref name="ifMatchVersion"/>, only on that version (the one the reviewer read).</summary>
    public async Task<Offering> ActAsync(Caller caller, Guid id, OfferingAction action, string? reason, long? ifMatchVersion = null, CancellationToken ct = default)
    {
        var offering = await store.FindAsync<Offering>(id, ct) ?? throw new NotFoundException("offering", id);
        var provider = await store.FindAsync<Provider>(offering.ProviderId, ct) ?? throw new NotFoundException("provider", offering.ProviderId);
        var reviewing = action is OfferingAction.Approve or OfferingAction.Reject;
        if (reviewing ? !caller.IsBureauOfAny(provider.Districts) : caller.OrganizationId != offering.ProviderId)
        {
            // A provider must not learn that another provider's draft exists.
            if (caller.Role == Role.Provider || !OfferingQueries.IsPublic(offering, provider)) throw new NotFoundException("offering", id);
            throw new ForbiddenException(reviewing ? "Only the bureau of the provider's districts reviews offerings." : "Only the owning provider may do this.");
        }

        var expected = offering.Version;
        if (ifMatchVersion is { } wanted && wanted != expected) throw new ConcurrencyConflictException("offering", id);
        var now = clock.GetUtcNow();
        switch (action)
        {
            case OfferingAction.Submit:
                if (!provider.CanPublish)
                    throw new DomainRuleException("provider-not-approved", "机构尚未通过审核，不能提交课程 / the provider must be approved before submitting offerings.");
                offering.Submit(now);
                break;
            case OfferingAction.Approve: offering.Approve(now); break;
            case OfferingAction.Reject:
                new Validator().Text(reason, "reason", 500).ThrowIfInvalid();
                offering.Reject(reason!, now);
                break;
            case OfferingAction.Pause: offering.Pause(now); break;
            case OfferingAction.Resume: offering.Resume(now); break;
            default: offering.Archive(now); break;
        }
        await store.CommitAsync(new StoreChanges().Update(offering, expected).Publish(OfferingEvents.Changed(offering, provider, now)), ct);
        return offering;
    }

    public async Task<(Offering Offering, Provider Provider)> LoadOwnedAsync(Caller caller, Guid id, CancellationToken ct)
    {
        var offering = await store.FindAsync<Offering>(id, ct);
        if (offering is null || caller.Role != Role.Provider || offering.ProviderId != caller.OrganizationId)
        {
            if (offering is not null && caller.Role != Role.Provider) throw new ForbiddenException("Only the owning provider may change an offering.");
            throw new NotFoundException("offering", id);
        }
        var provider = await store.FindAsync<Provider>(offering.ProviderId, ct) ?? throw new NotFoundException("provider", offering.ProviderId);
        return (offering, provider);
    }

    private async Task<IReadOnlySet<string>> KnownDistrictsAsync(CancellationToken ct) =>
        (await store.ListDistrictsAsync(ct)).Select(d => d.Code).ToHashSet();
}
