using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

/// <summary>A school sees its own bookings, a provider those on its offerings, a bureau those of its districts' schools.</summary>
public sealed class BookingQueries(IMarketplaceStore store)
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

    private static bool CanSee(Caller caller, Booking b) => caller.Role switch
    {
        Role.School => b.SchoolId == caller.OrganizationId,
        Role.Provider => b.ProviderId == caller.OrganizationId,
        _ => caller.IsBureauOf(b.DistrictCode),
    };
}
