using Marketplace.Core.Catalog;
using Marketplace.Core.Catalog.Providers;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

/// <summary>Suspending a provider: its open requests are declined with it, so the use case lives in the booking module.</summary>
public sealed partial class BookingCommands
{
    /// <summary>Open requests declined in the suspension's own commit; any beyond (or slipping in meanwhile) go with the next sweep.</summary>
    private const int OpenRequestsPerCommit = 1_000;

    /// <summary>
    /// A district's bureau suspends the provider there (its offerings leave that district's search) and, in the same commit,
    /// declines its open requests from that district's schools with the reason; each school hears of its own. The provider's
    /// entries in other districts, and their requests, are left alone. Confirmed bookings stay: the schools keep them, the
    /// provider answers for them again once reinstated there. <paramref name="district"/>: as for the other vetting decisions
    /// (<see cref="ProviderCommands.DecisionDistrict"/>).
    /// </summary>
    public Task<Provider> SuspendProviderAsync(Caller caller, Guid providerId, string? district, string? reason, CancellationToken ct = default) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            var provider = await providers.LoadForDecisionAsync(caller, providerId, ct);
            var where = ProviderCommands.DecisionDistrict(caller, provider, district);
            new Validator().Text(reason, "reason", 500, multiline: true).ThrowIfInvalid();
            var now = clock.GetUtcNow();
            var expected = provider.Version;
            provider.Suspend(where, caller.AuditName, reason!, now);
            var changes = new StoreChanges().Update(provider, expected).Publish(CatalogEvents.ProviderChanged(provider, now))
                .Insert(ProviderCommands.Audit(caller, "provider.suspend", provider, where, now, reason));
            await DeclineOpenRequestsAsync(changes, provider, where, now, caller.AuditName, ct);
            await promotion.CommitAsync(changes, ct);
            return provider;
        });

    /// <summary>
    /// Declines open requests in the districts where a provider is suspended that the suspension's commit did not hold: a
    /// request that read the provider as approved there and committed just after it, or those beyond
    /// <see cref="OpenRequestsPerCommit"/>. Returns how many.
    /// </summary>
    public async Task<int> DeclineRequestsOfSuspendedProvidersAsync(CancellationToken ct = default)
    {
        var declined = 0;
        foreach (var suspended in await store.ListProvidersAsync(new ProviderFilter(Status: ProviderStatus.Suspended, Limit: int.MaxValue), ct))
        {
            declined += await ConcurrentChange.RetryAsync(async () =>
            {
                var provider = await store.FindAsync<Provider>(suspended.Id, ct);
                if (provider is null) return 0;
                // The unchanged provider goes into the commit as a guard: reinstated meanwhile, nothing is declined.
                var changes = new StoreChanges().Update(provider, provider.Version);
                var count = 0;
                foreach (var entry in provider.Approvals.Where(a => a.Status == ProviderStatus.Suspended))
                    count += await DeclineOpenRequestsAsync(changes, provider, entry.District, clock.GetUtcNow(), "system", ct);
                if (count > 0) await promotion.CommitAsync(changes, ct);
                return count;
            });
        }
        return declined;
    }

    private async Task<int> DeclineOpenRequestsAsync(StoreChanges changes, Provider provider, string district, DateTimeOffset now, string by, CancellationToken ct)
    {
        var reason = provider.LastReasonIn(district) ?? "";
        var open = await store.ListBookingsAsync(
            new BookingFilter(ProviderId: provider.Id, Districts: [district], Status: BookingStatus.Requested, Limit: OpenRequestsPerCommit), ct);
        foreach (var booking in open)
        {
            var expected = booking.Version;
            booking.Decline(reason, now, by, BookingCauses.ProviderSuspended);
            Transition(changes, booking, expected, BookingStatus.Requested, heldSeats: true, now);
        }
        return open.Count;
    }
}
