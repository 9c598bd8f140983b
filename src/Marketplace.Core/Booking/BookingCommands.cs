using Marketplace.Core.Shared;

namespace Marketplace.Core.Booking;

public enum BookingAction { Confirm, Decline, Cancel, Complete }

public sealed record BookingActionRequest(string? Reason, int? Attended);

/// <summary>
/// Moves a booking through its lifecycle. Every transition is checked by the aggregate, kept in its history,
/// and committed with its events; transitions that end a live booking release its seats in the same commit.
/// </summary>
public sealed class BookingCommands(IMarketplaceStore store, TimeProvider clock)
{
    public async Task<Booking> GetAsync(Caller caller, Guid id, CancellationToken ct = default)
    {
        var booking = await store.FindAsync<Booking>(id, ct);
        return booking is not null && CanSee(caller, booking) ? booking : throw new NotFoundException("booking", id);
    }

    /// <summary>The caller's bookings, newest first, <paramref name="limit"/> at most, created before <paramref name="before"/> when given.</summary>
    public Task<IReadOnlyList<Booking>> ListAsync(Caller caller, BookingStatus? status, Guid? offeringId, int limit, Guid? before, CancellationToken ct = default) =>
        store.ListBookingsAsync(caller.Role switch
        {
            Role.School => new BookingFilter(SchoolId: caller.OrganizationId, Status: status, OfferingId: offeringId, Limit: limit, Before: before),
            Role.Provider => new BookingFilter(ProviderId: caller.OrganizationId, Status: status, OfferingId: offeringId, Limit: limit, Before: before),
            _ => new BookingFilter(Districts: caller.Districts, Status: status, OfferingId: offeringId, Limit: limit, Before: before),
        }, ct);

    public async Task<Booking> ActAsync(Caller caller, Guid id, BookingAction action, BookingActionRequest request, CancellationToken ct = default)
    {
        var booking = await GetAsync(caller, id, ct);
        var isSchool = caller.Role == Role.School && caller.OrganizationId == booking.SchoolId;
        var isProvider = caller.Role == Role.Provider && caller.OrganizationId == booking.ProviderId;
        var allowed = action == BookingAction.Cancel ? isSchool || isProvider : isProvider;
        if (!allowed) throw new ForbiddenException(action == BookingAction.Cancel ? "Only the school or the provider cancels." : "Only the provider of the offering does this.");

        var now = clock.GetUtcNow();
        var old = booking.Status;
        var expected = booking.Version;
        var heldSeats = booking.HoldsSeats;
        switch (action)
        {
            case BookingAction.Confirm: booking.Confirm(now, caller.AuditName); break;
            case BookingAction.Decline:
                new Validator().Text(request.Reason, "reason", 500).ThrowIfInvalid();
                booking.Decline(request.Reason!, now, caller.AuditName);
                break;
            case BookingAction.Cancel when isProvider:
                new Validator().Text(request.Reason, "reason", 500).ThrowIfInvalid();
                booking.CancelByProvider(request.Reason!, now, caller.AuditName);
                break;
            case BookingAction.Cancel:
                new Validator().Text(request.Reason, "reason", 500, required: false).ThrowIfInvalid();
                booking.CancelBySchool(request.Reason, now, caller.AuditName);
                break;
            default:
                new Validator().Require(request.Attended is not null, "attended", "实到人数必填 / attendance is required.").ThrowIfInvalid();
                booking.Complete(request.Attended!.Value, now, caller.AuditName);
                break;
        }
        await store.CommitAsync(Transition(new StoreChanges(), booking, expected, old, heldSeats, now), ct);
        return booking;
    }

    /// <summary>Expires requests nobody answered in time, releasing their seats. Returns how many expired.</summary>
    public async Task<int> ExpireOverdueAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var overdue = await store.ListBookingsAsync(new BookingFilter(Status: BookingStatus.Requested, ExpiresBefore: now, Limit: 200), ct);
        var expired = 0;
        foreach (var booking in overdue)
        {
            var expected = booking.Version;
            booking.Expire(now);
            try
            {
                await store.CommitAsync(Transition(new StoreChanges(), booking, expected, BookingStatus.Requested, true, now), ct);
                expired++;
            }
            catch (ConcurrencyConflictException)
            {
                // The provider answered at the same moment: their decision stands.
            }
        }
        return expired;
    }

    internal static StoreChanges Transition(StoreChanges changes, Booking booking, long expected, BookingStatus old, bool heldSeats, DateTimeOffset now)
    {
        changes.Update(booking, expected).Publish(BookingEvents.Changed(booking, old, now));
        if (heldSeats && !booking.HoldsSeats)
            changes.ReleaseSeats(booking.SessionId, booking.Pupils).Publish(BookingEvents.Availability(booking.OfferingId, booking.SessionId, booking.ProviderId, now));
        return changes;
    }

    private static bool CanSee(Caller caller, Booking b) => caller.Role switch
    {
        Role.School => b.SchoolId == caller.OrganizationId,
        Role.Provider => b.ProviderId == caller.OrganizationId,
        _ => caller.IsBureauOf(b.DistrictCode),
    };
}
