using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

/// <summary>Suspending a provider: its open requests are declined with it, so the use case lives in the booking module.</summary>
public sealed partial class BookingCommands
{
    /// <summary>Open requests declined in the suspension's own commit; any beyond (or slipping in meanwhile) go with the next sweep.</summary>
    private const int OpenRequestsPerCommit = 1_000;

    /// <summary>
    /// The bureau suspends a provider (its offerings leave search) and, in the same commit, declines its open requests with
    /// the reason; each school hears of its own. Confirmed bookings stay: the schools keep them, the provider answers for them
    /// again once reinstated.
    /// </summary>
    public Task<Provider> SuspendProviderAsync(Caller caller, Guid providerId, string? reason, CancellationToken ct = default) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            var provider = await providers.LoadForDecisionAsync(caller, providerId, ct);
            new Validator().Text(reason, "reason", 500, multiline: true).ThrowIfInvalid();
            var now = clock.GetUtcNow();
            var expected = provider.Version;
            provider.Suspend(caller.AuditName, reason!, now);
            var changes = new StoreChanges().Update(provider, expected).Publish(CatalogEvents.ProviderChanged(provider, now));
            await DeclineOpenRequestsAsync(changes, provider, now, caller.AuditName, ct);
            await store.CommitAsync(changes, ct);
            return provider;
        });

    /// <summary>
    /// Declines open requests of suspended providers that the suspension's commit did not hold: a request that read the
    /// provider as approved and committed just after it, or those beyond <see cref="OpenRequestsPerCommit"/>. Returns how many.
    /// </summary>
    public async Task<int> DeclineRequestsOfSuspendedProvidersAsync(CancellationToken ct = default)
    {
        var declined = 0;
        foreach (var suspended in await store.ListProvidersAsync(ProviderStatus.Suspended, ct))
        {
            declined += await ConcurrentChange.RetryAsync(async () =>
            {
                var provider = await store.FindAsync<Provider>(suspended.Id, ct);
                if (provider is not { Status: ProviderStatus.Suspended }) return 0;
                // The unchanged provider goes into the commit as a guard: reinstated meanwhile, nothing is declined.
                var changes = new StoreChanges().Update(provider, provider.Version);
                var count = await DeclineOpenRequestsAsync(changes, provider, clock.GetUtcNow(), "system", ct);
                if (count > 0) await store.CommitAsync(changes, ct);
                return count;
            });
        }
        return declined;
    }

    private async Task<int> DeclineOpenRequestsAsync(StoreChanges changes, Provider provider, DateTimeOffset now, string by, CancellationToken ct)
    {
        var reason = provider.Decisions[^1].Reason ?? "";
        var open = await store.ListBookingsAsync(new BookingFilter(ProviderId: provider.Id, Status: BookingStatus.Requested, Limit: OpenRequestsPerCommit), ct);
        foreach (var booking in open)
        {
            var expected = booking.Version;
            booking.Decline(reason, now, by, BookingCauses.ProviderSuspended);
            Transition(changes, booking, expected, BookingStatus.Requested, heldSeats: true, now);
        }
        return open.Count;
    }
}
