using Marketplace.Core.Booking;
using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Catalog.Sessions;

public sealed class SessionCommands(IMarketplaceStore store, OfferingCommands offerings, OfferingQueries queries, TimeProvider clock)
{
    public async Task<IReadOnlyList<Session>> ListAsync(Caller? caller, Guid offeringId, CancellationToken ct = default)
    {
        await queries.GetAsync(caller, offeringId, ct); // visibility check
        return await store.ListSessionsAsync(offeringId, ct);
    }

    /// <summary>A session nobody has booked may be deleted; once booked it can only be cancelled.</summary>
    public async Task DeleteAsync(Caller caller, Guid offeringId, Guid sessionId, CancellationToken ct = default)
    {
        var (offering, session) = await LoadAsync(caller, offeringId, sessionId, ct);
        if (session.Reserved > 0 || await store.CountBookingsForSessionAsync(sessionId, ct) > 0)
            throw new DomainRuleException("session-has-bookings", "已有预约的场次不能删除，只能取消 / a session with bookings cannot be deleted, only cancelled.");
        await store.CommitAsync(new StoreChanges().Delete(session, session.Version)
            .Publish(OfferingEvents.SessionsChanged(offering, [session.Id], clock.GetUtcNow())), ct);
    }

    /// <summary>Cancels the session and, in the same commit, every live booking on it (each school is notified).</summary>
    public async Task<Session> CancelAsync(Caller caller, Guid offeringId, Guid sessionId, string? reason, CancellationToken ct = default)
    {
        new Validator().Text(reason, "reason", 500).ThrowIfInvalid();
        var (offering, session) = await LoadAsync(caller, offeringId, sessionId, ct);
        var now = clock.GetUtcNow();
        var expected = session.Version;
        session.Cancel(reason!);
        var changes = new StoreChanges().Update(session, expected).Publish(OfferingEvents.SessionsChanged(offering, [session.Id], now));
        var live = (await store.ListBookingsAsync(new BookingFilter(SessionId: sessionId, Limit: 10_000), ct)).Where(b => b.HoldsSeats);
        foreach (var booking in live)
        {
            var (bookingVersion, old) = (booking.Version, booking.Status);
            booking.CancelByProvider("场次取消 / session cancelled: " + reason!.Trim(), now, caller.AuditName);
            BookingCommands.Transition(changes, booking, bookingVersion, old, heldSeats: true, now);
        }
        await store.CommitAsync(changes, ct);
        return session;
    }

    private async Task<(Offering, Session)> LoadAsync(Caller caller, Guid offeringId, Guid sessionId, CancellationToken ct)
    {
        var (offering, _) = await offerings.LoadOwnedAsync(caller, offeringId, ct);
        var session = await store.FindAsync<Session>(sessionId, ct);
        return session is null || session.OfferingId != offeringId ? throw new NotFoundException("session", sessionId) : (offering, session);
    }
}
