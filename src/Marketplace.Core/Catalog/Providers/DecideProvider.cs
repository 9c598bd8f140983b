using Marketplace.Core.Shared;

namespace Marketplace.Core.Catalog.Providers;

public enum ProviderDecisionKind { Approve, Reject, Suspend }

/// <summary>The bureau's vetting (资质审核): approve onto the white list, reject, or suspend (offerings leave search).</summary>
public sealed class DecideProviderHandler(IMarketplaceStore store, TimeProvider clock)
{
    public async Task<Provider> HandleAsync(Caller caller, Guid providerId, ProviderDecisionKind decision, string? reason, CancellationToken ct = default)
    {
        var provider = await store.FindAsync<Provider>(providerId, ct) ?? throw new NotFoundException("provider", providerId);
        if (!caller.IsBureauOfAny(provider.Districts))
            throw new ForbiddenException("Only the bureau of one of the provider's districts may vet it.");
        if (decision != ProviderDecisionKind.Approve)
            new Validator().Text(reason, "reason", 500).ThrowIfInvalid();
        else
            new Validator().Text(reason, "note", 500, required: false).ThrowIfInvalid();

        var expected = provider.Version;
        var now = clock.GetUtcNow();
        switch (decision)
        {
            case ProviderDecisionKind.Approve: provider.Approve(caller.AuditName, reason, now); break;
            case ProviderDecisionKind.Reject: provider.Reject(caller.AuditName, reason!, now); break;
            default: provider.Suspend(caller.AuditName, reason!, now); break;
        }
        await store.CommitAsync(new StoreChanges().Update(provider, expected).Publish(ProviderEvents.Changed(provider, now)), ct);
        return provider;
    }
}
