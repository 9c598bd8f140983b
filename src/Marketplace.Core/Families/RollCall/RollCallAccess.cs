using Marketplace.Core.Bookings;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families.RollCall;

/// <summary>
/// Who takes and reads a roll: the booking's provider (its teacher) and the booking's school (its 巡课 teacher). Another provider
/// or school gets 404 (someone else's booking is never confirmed); a guardian or a bureau 403.
/// </summary>
internal static class RollCallAccess
{
    public static async Task<Booking> BookingAsync(IMarketplaceStore store, Caller caller, Guid bookingId, CancellationToken ct)
    {
        if (caller.Role is not (Role.School or Role.Provider)) throw new ForbiddenException("forbidden.roll-call");
        var booking = await store.FindAsync<Booking>(bookingId, ct);
        var mine = booking is not null && (caller.Role == Role.School ? booking.SchoolId : booking.ProviderId) == caller.OrganizationId;
        return mine ? booking! : throw new NotFoundException("booking", bookingId);
    }

    /// <summary>The pupils the caller may see and mark: the booking's assigned pupils; for the provider only those whose guardian
    /// consented to the current text (PIPL: it never learns of the others).</summary>
    public static async Task<IReadOnlyList<Pupil>> PupilsAsync(IMarketplaceStore store, Caller caller, Guid bookingId, CancellationToken ct)
    {
        var assignment = await store.FindAsync<PupilAssignment>(bookingId, ct);
        if (assignment is null) return [];
        var pupils = await store.FindManyAsync<Pupil>(assignment.PupilIds, ct);
        return caller.Role == Role.Provider ? [.. pupils.Where(p => p.ConsentedTo(ConsentText.Version))] : pupils;
    }

    public static string SideOf(Caller caller) => caller.Role == Role.School ? Roll.SchoolSide : Roll.ProviderSide;
}
