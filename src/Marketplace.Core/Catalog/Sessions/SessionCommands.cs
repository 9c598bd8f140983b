using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Catalog.Sessions;

/// <summary>
/// The provider's sessions of an offering: schedule and delete (both need the provider in good standing, see
/// <see cref="OfferingCommands.LoadOwnedAsync"/>). Cancelling a session also cancels its bookings, so that
/// use case belongs to the booking module (<c>BookingCommands.CancelSessionAsync</c>).
/// </summary>
public sealed class SessionCommands(IMarketplaceStore store, OfferingCommands offerings, TimeProvider clock, SchoolCalendar calendar)
{
    /// <summary>
    /// Scheduled sessions of one offering that have not ended. A busy real schedule — every school day of a year, twice a
    /// day — stays below it; 9,347 sessions on one offering (3 MB for every anonymous reader) did not.
    /// </summary>
    public const int MaxUpcomingSessions = 1000;

    public async Task<OfferingSessions> ScheduleAsync(Caller caller, Guid offeringId, ScheduleSessionsRequest r, CancellationToken ct = default)
    {
        var (offering, provider) = await offerings.LoadOwnedAsync(caller, offeringId, ct);
        if (offering.Status == OfferingStatus.Archived)
            throw new DomainRuleException("offering-archived");
        var now = clock.GetUtcNow();
        var slots = SessionSchedule.Expand(r, now, calendar);
        // Every new slot starts after now, so only sessions that have not ended can overlap it or count against the cap.
        var existing = await store.ListSessionsForOfferingsAsync([offeringId], now, ct);
        var upcoming = existing.Count(e => e.Status == SessionStatus.Scheduled);
        if (upcoming + slots.Count > MaxUpcomingSessions)
            throw new DomainRuleException("too-many-sessions", MaxUpcomingSessions, upcoming, slots.Count);
        var clash = slots.FirstOrDefault(s => existing.Any(e => e.Overlaps(s.Start, s.End)));
        if (clash != default)
            throw new DomainRuleException("session-overlap", clash.Start);

        var sessions = slots.Select(s => Session.Schedule(offering.Id, offering.ProviderId, s.Start, s.End, r.Capacity!.Value)).ToList();
        var changes = new StoreChanges();
        sessions.ForEach(s => changes.Insert(s));
        await store.CommitAsync(changes.Publish(CatalogEvents.SessionsChanged(offering, sessions.Select(s => s.Id), now)), ct);
        return new OfferingSessions(offering, provider, sessions);
    }

    /// <summary>A session nobody has booked may be deleted; once booked it can only be cancelled (also when a booking wins the race).</summary>
    public Task DeleteAsync(Caller caller, Guid offeringId, Guid sessionId, CancellationToken ct = default) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            var (offering, _, session) = await LoadOwnedAsync(caller, offeringId, sessionId, ct);
            if (session.Reserved > 0 || await store.CountBookingsForSessionAsync(sessionId, ct) > 0)
                throw new DomainRuleException("session-has-bookings");
            await store.CommitAsync(new StoreChanges().Delete(session, session.Version)
                .Publish(CatalogEvents.SessionsChanged(offering, [session.Id], clock.GetUtcNow())), ct);
            return session;
        });

    /// <summary>The owning provider's session of the offering, with the offering and the provider; 404 otherwise.</summary>
    public async Task<(Offering Offering, Provider Provider, Session Session)> LoadOwnedAsync(Caller caller, Guid offeringId, Guid sessionId, CancellationToken ct)
    {
        var (offering, provider) = await offerings.LoadOwnedAsync(caller, offeringId, ct);
        var session = await store.FindAsync<Session>(sessionId, ct);
        return session is null || session.OfferingId != offeringId ? throw new NotFoundException("session", sessionId) : (offering, provider, session);
    }
}
