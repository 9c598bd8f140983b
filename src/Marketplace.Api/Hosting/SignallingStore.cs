using Marketplace.Core.Catalog;
using Marketplace.Core.Events;
using Marketplace.Core.Identity;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Hosting;

/// <summary>Decorates the store so that every commit with events wakes the dispatcher; reads pass straight through.</summary>
internal sealed class SignallingStore(IMarketplaceStore inner, OutboxSignal signal) : IMarketplaceStore
{
    public async Task CommitAsync(StoreChanges changes, CancellationToken ct = default)
    {
        await inner.CommitAsync(changes, ct);
        if (changes.Events.Count > 0) signal.Notify();
    }

    public Task InitializeAsync(CancellationToken ct = default) => inner.InitializeAsync(ct);
    public Task<bool> IsHealthyAsync(CancellationToken ct = default) => inner.IsHealthyAsync(ct);
    public Task<T?> FindAsync<T>(Guid id, CancellationToken ct = default) where T : class, IAggregate => inner.FindAsync<T>(id, ct);
    public Task<IReadOnlyList<T>> FindManyAsync<T>(IReadOnlyCollection<Guid> ids, CancellationToken ct = default) where T : class, IAggregate => inner.FindManyAsync<T>(ids, ct);
    public Task<User?> FindUserAsync(string username, CancellationToken ct = default) => inner.FindUserAsync(username, ct);
    public Task<Provider?> FindProviderByCreditCodeAsync(string creditCode, CancellationToken ct = default) => inner.FindProviderByCreditCodeAsync(creditCode, ct);
    public Task<IReadOnlyList<Provider>> ListProvidersAsync(ProviderStatus? status, CancellationToken ct = default) => inner.ListProvidersAsync(status, ct);
    public Task<IReadOnlyList<Offering>> ListOfferingsAsync(Guid? providerId, OfferingStatus? status, CancellationToken ct = default) => inner.ListOfferingsAsync(providerId, status, ct);
    public IAsyncEnumerable<Offering> StreamOfferingsAsync(CancellationToken ct = default) => inner.StreamOfferingsAsync(ct);
    public Task<IReadOnlyList<Session>> ListSessionsAsync(Guid offeringId, CancellationToken ct = default) => inner.ListSessionsAsync(offeringId, ct);
    public Task<IReadOnlyList<Session>> ListSessionsForOfferingsAsync(IReadOnlyCollection<Guid> offeringIds, DateTimeOffset endsAfter, CancellationToken ct = default) => inner.ListSessionsForOfferingsAsync(offeringIds, endsAfter, ct);
    public Task<IReadOnlyList<School>> ListSchoolsAsync(CancellationToken ct = default) => inner.ListSchoolsAsync(ct);
    public Task<SchoolPlan?> FindSchoolPlanAsync(Guid schoolId, string semester, CancellationToken ct = default) => inner.FindSchoolPlanAsync(schoolId, semester, ct);
    public Task<IReadOnlyList<Core.Booking.Booking>> ListBookingsAsync(BookingFilter filter, CancellationToken ct = default) => inner.ListBookingsAsync(filter, ct);
    public Task<int> CountBookingsForSessionAsync(Guid sessionId, CancellationToken ct = default) => inner.CountBookingsForSessionAsync(sessionId, ct);
    public Task<IReadOnlyList<District>> ListDistrictsAsync(CancellationToken ct = default) => inner.ListDistrictsAsync(ct);
    public Task<IdempotencyRecord?> FindIdempotencyAsync(string scope, string key, CancellationToken ct = default) => inner.FindIdempotencyAsync(scope, key, ct);
    public Task<IReadOnlyList<OutboxMessage>> ReadEventsAsync(long afterCursor, IReadOnlyCollection<string>? audiences, int limit, CancellationToken ct = default) => inner.ReadEventsAsync(afterCursor, audiences, limit, ct);
    public Task<long> GetLatestCursorAsync(CancellationToken ct = default) => inner.GetLatestCursorAsync(ct);
    public Task<long> GetCheckpointAsync(string consumer, CancellationToken ct = default) => inner.GetCheckpointAsync(consumer, ct);
    public Task<bool> TryAdvanceCheckpointAsync(string consumer, long expected, long next, CancellationToken ct = default) => inner.TryAdvanceCheckpointAsync(consumer, expected, next, ct);
    public Task ResetCheckpointAsync(string consumer, long cursor, CancellationToken ct = default) => inner.ResetCheckpointAsync(consumer, cursor, ct);
}
