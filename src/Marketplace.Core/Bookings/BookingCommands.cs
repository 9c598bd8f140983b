using Marketplace.Core.Catalog;
using Marketplace.Core.Catalog.Providers;
using Marketplace.Core.Catalog.Sessions;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

public sealed class BookingOptions
{
    /// <summary>How long a provider has to answer a request before it expires and its seats return.</summary>
    public TimeSpan ResponseWindow { get; set; } = TimeSpan.FromHours(48);

    /// <summary>How long before an on-campus (请进来) session new bookings close, unless the offering sets its own.</summary>
    public TimeSpan MinLeadOnCampus { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How long before an off-campus (走出去) or Both session new bookings close, unless the offering sets its own.</summary>
    public TimeSpan MinLeadOffCampus { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>
/// Requests a booking (<c>BookingCommands.Request.cs</c>) and moves it through its lifecycle. Every transition is checked by
/// the aggregate, kept in its history, and committed with its events; transitions that end a live booking release its
/// seats in the same commit, and hold them for the waiting list's next fitting group in that commit (<see cref="WaitlistPromotion"/>).
/// A transition that loses a race to another change is decided again on the state it finds.
/// </summary>
public sealed partial class BookingCommands(
    IMarketplaceStore store, BookingQueries queries, SessionCommands sessions, ProviderCommands providers, TimeProvider clock, BookingOptions options,
    WaitlistPromotion promotion, Settlement.QuoteService quotes)
{
    public Task<Booking> ConfirmAsync(Caller caller, Guid id, CancellationToken ct = default) =>
        ChangeAsync(caller, id, byProvider: true, bySchool: false, (booking, now) => booking.Confirm(now, caller.AuditName), ct);

    public Task<Booking> DeclineAsync(Caller caller, Guid id, string? reason, CancellationToken ct = default) =>
        ChangeAsync(caller, id, byProvider: true, bySchool: false, (booking, now) =>
        {
            new Validator().Text(reason, "reason", 500, multiline: true).ThrowIfInvalid();
            booking.Decline(reason!, now, caller.AuditName);
        }, ct);

    /// <summary>A school before the offering's cut-off (reason optional); the provider at any time, with a reason.</summary>
    public Task<Booking> CancelAsync(Caller caller, Guid id, string? reason, CancellationToken ct = default) =>
        ChangeAsync(caller, id, byProvider: true, bySchool: true, (booking, now) =>
        {
            if (caller.Role == Role.Provider)
            {
                new Validator().Text(reason, "reason", 500, multiline: true).ThrowIfInvalid();
                booking.CancelByProvider(reason!, now, caller.AuditName);
            }
            else
            {
                new Validator().Text(reason, "reason", 500, required: false, multiline: true).ThrowIfInvalid();
                booking.CancelBySchool(reason, now, caller.AuditName);
            }
        }, ct);

    /// <summary>The provider records delivery and how many pupils attended.</summary>
    public Task<Booking> CompleteAsync(Caller caller, Guid id, int? attended, CancellationToken ct = default) =>
        ChangeAsync(caller, id, byProvider: true, bySchool: false, (booking, now) =>
        {
            // With a roll call, attendance is the roll's count (a different figure is refused, naming the roll's).
            var count = attended ?? booking.RollPresent;
            new Validator().Require(count is not null, "attended", new("booking.attended-required")).ThrowIfInvalid();
            booking.Complete(count!.Value, now, caller.AuditName);
        }, ct);

    /// <summary>Expires requests nobody answered in time, releasing their seats (to the waiting list first). Returns how many expired.</summary>
    public async Task<int> ExpireOverdueAsync(CancellationToken ct = default)
    {
        var overdue = await store.ListBookingsAsync(new BookingFilter(Status: BookingStatus.Requested, ExpiresBefore: clock.GetUtcNow(), Limit: 200), ct);
        var expired = 0;
        foreach (var found in overdue)
        {
            // A conflict is the provider answering at the same moment (their decision stands) or the waiting list moving: decide again.
            expired += await ConcurrentChange.RetryAsync(async () =>
            {
                var booking = await store.FindAsync<Booking>(found.Id, ct);
                var now = clock.GetUtcNow();
                if (booking is not { Status: BookingStatus.Requested } || booking.ExpiresAt > now) return 0;
                var expected = booking.Version;
                booking.Expire(now);
                await promotion.CommitAsync(Transition(new StoreChanges(), booking, expected, BookingStatus.Requested, true, now), ct);
                return 1;
            });
        }
        return expired;
    }

    /// <summary>
    /// The provider cancels a session and, in the same commit, every live booking on it (each school is notified) and its waiting
    /// list (Waiting and Held entries; held seats are released). A booking requested or answered meanwhile makes the commit
    /// conflict; it is then prepared again with the current bookings.
    /// Returns the session with its offering and provider, whose names the answer carries.
    /// </summary>
    public Task<(Offering Offering, Provider Provider, Session Session)> CancelSessionAsync(Caller caller, Guid offeringId, Guid sessionId, string? reason, CancellationToken ct = default) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            var (offering, provider, session) = await sessions.LoadOwnedAsync(caller, offeringId, sessionId, ct);
            new Validator().Text(reason, "reason", 500, multiline: true).ThrowIfInvalid();
            var now = clock.GetUtcNow();
            var expected = session.Version;
            session.Cancel(reason!);
            var changes = new StoreChanges().Update(session, expected).Publish(CatalogEvents.SessionsChanged(offering, [session.Id], now));
            var live = (await store.ListBookingsAsync(new BookingFilter(SessionId: sessionId, Limit: 10_000), ct)).Where(b => b.HoldsSeats);
            foreach (var booking in live)
            {
                var (bookingVersion, old) = (booking.Version, booking.Status);
                booking.CancelByProvider(reason!, now, caller.AuditName, BookingCauses.SessionCancelled);
                Transition(changes, booking, bookingVersion, old, heldSeats: true, now);
            }
            foreach (var entry in (await store.ListWaitlistAsync(new WaitlistFilter(SessionId: sessionId, Limit: 10_000), ct)).Where(e => e.IsLive))
            {
                var (entryVersion, old, held) = (entry.Version, entry.Status, entry.HoldsSeats);
                entry.Cancel(now, caller.AuditName, WaitlistCauses.SessionCancelled);
                WaitlistCommands.Released(changes, entry, entryVersion, old, held, now);
            }
            await store.CommitAsync(changes, ct);
            return (offering, provider, session);
        });

    /// <summary>
    /// Loads the caller's booking, checks who may act (a provider only in good standing in the booking's district), applies the change and commits it
    /// with its events — again from the reload when another change committed first.
    /// </summary>
    private Task<Booking> ChangeAsync(Caller caller, Guid id, bool byProvider, bool bySchool, Action<Booking, DateTimeOffset> change, CancellationToken ct) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            var booking = await queries.GetAsync(caller, id, ct);
            var isSchool = caller.Role == Role.School && caller.OrganizationId == booking.SchoolId;
            var isProvider = caller.Role == Role.Provider && caller.OrganizationId == booking.ProviderId;
            if (!(byProvider && isProvider || bySchool && isSchool))
                throw new ForbiddenException(bySchool ? "forbidden.booking-cancel" : "forbidden.booking-provider");
            if (isProvider)
                (await store.FindAsync<Provider>(booking.ProviderId, ct) ?? throw new NotFoundException("provider", booking.ProviderId)).EnsureMayActIn(booking.DistrictCode);

            var now = clock.GetUtcNow();
            var (old, expected, heldSeats) = (booking.Status, booking.Version, booking.HoldsSeats);
            change(booking, now);
            await promotion.CommitAsync(Transition(new StoreChanges(), booking, expected, old, heldSeats, now), ct);
            return booking;
        });

    private static StoreChanges Transition(StoreChanges changes, Booking booking, long expected, BookingStatus old, bool heldSeats, DateTimeOffset now)
    {
        changes.Update(booking, expected).Publish(BookingEvents.Changed(booking, old, now));
        BookingLedger.Post(changes, booking, old, now);
        if (heldSeats && !booking.HoldsSeats)
            changes.ReleaseSeats(booking.SessionId, booking.Pupils)
                .Publish(CatalogEvents.AvailabilityChanged(booking.OfferingId, booking.SessionId, booking.ProviderId, now));
        return changes;
    }
}
