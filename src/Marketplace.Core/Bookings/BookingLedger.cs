using Marketplace.Core.Persistence;
using Marketplace.Core.Settlement;

namespace Marketplace.Core.Bookings;

/// <summary>
/// Adds to a booking's commit the ledger transaction its change causes (Settlement.LedgerPostings), so money and state move in
/// ONE store transaction: confirmed → the commitment; a confirmed booking cancelled → the commitment reversed; a delivery
/// confirmed, confirmed by silence or decided by the bureau → the settlement. Every transaction is keyed by its business event:
/// a change decided twice (a retry after a conflict) cannot post twice.
/// </summary>
public static class BookingLedger
{
    public static StoreChanges Post(StoreChanges changes, Booking booking, BookingStatus? old, DateTimeOffset now)
    {
        var parties = new BookingParties(booking.Id, booking.SchoolId, booking.ProviderId, booking.DistrictCode, booking.Pupils);
        if (booking.Status == BookingStatus.Confirmed && old != BookingStatus.Confirmed)
            changes.Insert(LedgerPostings.Commitment(parties, booking.Quote, now));
        else if (booking.Status == BookingStatus.Cancelled && old == BookingStatus.Confirmed)
            changes.Insert(LedgerPostings.Cancellation(parties, booking.Quote, now));
        return changes;
    }

    /// <summary>
    /// The settlement of a delivery that has just been confirmed or decided — with the commitment first if the booking was
    /// confirmed before the ledger existed (stored before issue 15), so its clearing account still comes back to zero.
    /// </summary>
    public static async Task<StoreChanges> SettleAsync(IMarketplaceStore store, StoreChanges changes, Booking booking, DateTimeOffset now, CancellationToken ct)
    {
        if (booking.Delivery is not { IsSettled: true } delivery) throw new InvalidOperationException("Only a settled delivery is posted.");
        var parties = new BookingParties(booking.Id, booking.SchoolId, booking.ProviderId, booking.DistrictCode, booking.Pupils);
        var commitment = LedgerPostings.Commitment(parties, booking.Quote, now);
        if (await store.FindAsync<LedgerTransaction>(commitment.Id, ct) is null) changes.Insert(commitment);
        return changes.Insert(LedgerPostings.Settlement(parties, booking.Quote, delivery.Attended, delivery.AbsentHardship, now));
    }

    /// <summary>For the property tests and callers that know the commitment exists: the settlement alone.</summary>
    public static StoreChanges Settle(StoreChanges changes, Booking booking, DateTimeOffset now)
    {
        if (booking.Delivery is not { IsSettled: true } delivery) throw new InvalidOperationException("Only a settled delivery is posted.");
        var parties = new BookingParties(booking.Id, booking.SchoolId, booking.ProviderId, booking.DistrictCode, booking.Pupils);
        return changes.Insert(LedgerPostings.Settlement(parties, booking.Quote, delivery.Attended, delivery.AbsentHardship, now));
    }
}
