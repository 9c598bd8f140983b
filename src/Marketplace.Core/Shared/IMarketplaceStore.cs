using Marketplace.Core.Catalog;
using Marketplace.Core.Events;
using Marketplace.Core.Identity;
using Marketplace.Core.Schools;

namespace Marketplace.Core.Shared;

/// <summary>
/// Port: the primary store (SQLite embedded, MongoDB in production). Reads return aggregates;
/// every write goes through <see cref="CommitAsync"/>, which applies a <see cref="StoreChanges"/>
/// — documents, seat counters, outbox events, idempotency records — in ONE transaction.
/// </summary>
public interface IMarketplaceStore
{
    /// <summary>Creates the schema / collections and indexes; safe to call on every start.</summary>
    Task InitializeAsync(CancellationToken ct = default);

    Task<bool> IsHealthyAsync(CancellationToken ct = default);

    /// <summary>Applies all changes atomically or none. Throws <see cref="ConcurrencyConflictException"/>
    /// on a version mismatch, <see cref="SeatsUnavailableException"/> when a seat reservation does not fit,
    /// and <see cref="DuplicateException"/> on a unique value already taken.</summary>
    Task CommitAsync(StoreChanges changes, CancellationToken ct = default);

    Task<T?> FindAsync<T>(Guid id, CancellationToken ct = default) where T : class, IAggregate;

    Task<IReadOnlyList<T>> FindManyAsync<T>(IReadOnlyCollection<Guid> ids, CancellationToken ct = default) where T : class, IAggregate;

    Task<User?> FindUserAsync(string username, CancellationToken ct = default);

    Task<Provider?> FindProviderByCreditCodeAsync(string creditCode, CancellationToken ct = default);

    Task<IReadOnlyList<Provider>> ListProvidersAsync(ProviderStatus? status, CancellationToken ct = default);

    Task<IReadOnlyList<Offering>> ListOfferingsAsync(Guid? providerId, OfferingStatus? status, CancellationToken ct = default);

    /// <summary>Streams every offering (for index rebuilds), oldest first, in pages.</summary>
    IAsyncEnumerable<Offering> StreamOfferingsAsync(CancellationToken ct = default);

    Task<IReadOnlyList<Session>> ListSessionsAsync(Guid offeringId, CancellationToken ct = default);

    Task<IReadOnlyList<Session>> ListSessionsForOfferingsAsync(IReadOnlyCollection<Guid> offeringIds, DateTimeOffset endsAfter, CancellationToken ct = default);

    Task<IReadOnlyList<School>> ListSchoolsAsync(CancellationToken ct = default);

    Task<SchoolPlan?> FindSchoolPlanAsync(Guid schoolId, string semester, CancellationToken ct = default);

    Task<IReadOnlyList<Booking.Booking>> ListBookingsAsync(BookingFilter filter, CancellationToken ct = default);

    Task<int> CountBookingsForSessionAsync(Guid sessionId, CancellationToken ct = default);

    Task<IReadOnlyList<District>> ListDistrictsAsync(CancellationToken ct = default);

    Task<IdempotencyRecord?> FindIdempotencyAsync(string scope, string key, CancellationToken ct = default);

    /// <summary>Change feed: events after <paramref name="afterCursor"/> in cursor order, optionally only those
    /// addressed to one of <paramref name="audiences"/>.</summary>
    Task<IReadOnlyList<OutboxMessage>> ReadEventsAsync(long afterCursor, IReadOnlyCollection<string>? audiences, int limit, CancellationToken ct = default);

    /// <summary>The cursor of the newest event in the outbox (0 when empty).</summary>
    Task<long> GetLatestCursorAsync(CancellationToken ct = default);

    Task<long> GetCheckpointAsync(string consumer, CancellationToken ct = default);


    /// <summary>Puts a checkpoint at exactly <paramref name="cursor"/>, backwards too: after an index rebuild from a snapshot
    /// at that cursor, every later event must be applied again to the new index.</summary>
    Task ResetCheckpointAsync(string consumer, long cursor, CancellationToken ct = default);

    /// <summary>Compare-and-set: moves the checkpoint from <paramref name="expected"/> to <paramref name="next"/>, or returns
    /// false when another instance moved it first (a missing checkpoint counts as 0). Lets one of several instances claim a batch.</summary>
    Task<bool> TryAdvanceCheckpointAsync(string consumer, long expected, long next, CancellationToken ct = default);
}

/// <summary>Bookings newest first. <see cref="Before"/>: only those created before that booking (ids are version-7, time-ordered) — the next page.</summary>
public sealed record BookingFilter(
    Guid? SchoolId = null, Guid? ProviderId = null, Guid? OfferingId = null, Guid? SessionId = null,
    IReadOnlyCollection<string>? Districts = null, Booking.BookingStatus? Status = null,
    DateTimeOffset? ExpiresBefore = null, int Limit = 500, Guid? Before = null);

/// <summary>The stored answer to a request made with an Idempotency-Key.</summary>
public sealed record IdempotencyRecord(string Scope, string Key, string RequestHash, int StatusCode, string ResponseJson, DateTimeOffset CreatedAt);

/// <summary>Thrown by the store when a conditional seat reservation does not fit.</summary>
public sealed class SeatsUnavailableException(Guid sessionId, int seatsLeft)
    : DomainRuleException("seats-unavailable", $"余位不足，剩余 {seatsLeft} 个 / not enough seats: {seatsLeft} left.")
{
    public Guid SessionId { get; } = sessionId;
    public int SeatsLeft { get; } = seatsLeft;
    public override IReadOnlyDictionary<string, object?> Extensions => new Dictionary<string, object?> { ["seatsLeft"] = SeatsLeft };
}
