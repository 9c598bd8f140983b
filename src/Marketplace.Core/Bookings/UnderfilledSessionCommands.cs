using Marketplace.Core.Catalog;
using Marketplace.Core.Catalog.Sessions;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

public sealed class UnderfilledOptions
{
    /// <summary>How long before a 走出去 session starts its provider must know it is below minGroup (the decision deadline).</summary>
    public TimeSpan Notice { get; init; } = TimeSpan.FromHours(48);
}

/// <summary>
/// <c>minGroup</c> off campus: a 走出去 session is filled by several schools' groups together, so a booking below minGroup is
/// accepted; but a session still below it when its decision deadline comes (<see cref="UnderfilledOptions.Notice"/> before
/// it starts) is flagged once to its provider and to every school booked on it. The provider then cancels it (the session's
/// cancel, which cancels its bookings) or runs it anyway (<see cref="RunAsync"/>), and the schools hear that too.
/// In the booking module because the pupils booked are read from the bookings.
/// </summary>
public sealed class UnderfilledSessionCommands(IMarketplaceStore store, SessionCommands sessions, TimeProvider clock, UnderfilledOptions options)
{
    /// <summary>Sessions read per page of the due window.</summary>
    public const int PageSize = 500;

    /// <summary>
    /// Flags every Scheduled session of an offering that serves off campus, starting within the notice period, not flagged yet,
    /// with at least one live booking and fewer pupils booked than the offering's minGroup. Returns how many it flagged.
    /// A session nobody booked is not flagged: nobody travels, nothing needs deciding.
    /// </summary>
    public async Task<int> FlagDueAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var (from, until, flagged) = (now, now + options.Notice, 0);
        while (true)
        {
            var page = await store.ListSessionsStartingAsync(from, until, PageSize, ct);
            var open = page.Where(s => s.Underfilled is null).ToList();
            var offerings = (await store.FindManyAsync<Offering>(open.Select(s => s.OfferingId).Distinct().ToArray(), ct)).ToDictionary(o => o.Id);
            foreach (var session in open)
                if (offerings.TryGetValue(session.OfferingId, out var offering) && offering.Content.ServesOffCampus && offering.Content.MinGroup > 1
                    && await FlagAsync(session.Id, offering, ct))
                    flagged++;
            if (page.Count < PageSize) return flagged;
            // The next page starts after this one's last start (sessions sharing that very instant beyond a page wait for the next run).
            from = page[^1].StartsAt > from ? page[^1].StartsAt : from.AddTicks(1);
        }
    }

    private Task<bool> FlagAsync(Guid sessionId, Offering offering, CancellationToken ct) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            var session = await store.FindAsync<Session>(sessionId, ct);
            if (session is null || session.Underfilled is not null || session.Status != SessionStatus.Scheduled) return false;
            var live = await LiveBookingsAsync(sessionId, ct);
            var pupils = live.Sum(b => b.Pupils);
            if (live.Count == 0 || pupils >= offering.Content.MinGroup) return false;
            var now = clock.GetUtcNow();
            var expected = session.Version;
            session.FlagUnderfilled(now, pupils, offering.Content.MinGroup);
            // A booking or cancel since the read changes the session's version (its seats): the commit conflicts and this runs again.
            await store.CommitAsync(new StoreChanges().Update(session, expected)
                .Publish(CatalogEvents.SessionUnderfilled(session, session.Underfilled!, live.Select(b => b.SchoolId).Distinct(), now)), ct);
            return true;
        });

    /// <summary>The owning provider runs its underfilled session as booked; the booked schools are told. Repeating it changes nothing.</summary>
    public Task<(Offering Offering, Provider Provider, Session Session)> RunAsync(Caller caller, Guid offeringId, Guid sessionId, CancellationToken ct = default) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            var (offering, provider, session) = await sessions.LoadOwnedAsync(caller, offeringId, sessionId, ct);
            var expected = session.Version;
            if (!session.Run()) return (offering, provider, session);
            var now = clock.GetUtcNow();
            var schools = (await LiveBookingsAsync(sessionId, ct)).Select(b => b.SchoolId).Distinct();
            await store.CommitAsync(new StoreChanges().Update(session, expected)
                .Publish(CatalogEvents.SessionUnderfilled(session, session.Underfilled!, schools, now)), ct);
            return (offering, provider, session);
        });

    private async Task<List<Booking>> LiveBookingsAsync(Guid sessionId, CancellationToken ct) =>
        (await store.ListBookingsAsync(new BookingFilter(SessionId: sessionId, Limit: 10_000), ct)).Where(b => b.HoldsSeats).ToList();
}
