using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

public sealed record BookingChangedData(Guid BookingId, Guid SessionId, Guid OfferingId, Guid SchoolId, Guid ProviderId, string? OldStatus, string NewStatus, int Pupils);

public static partial class BookingEvents
{
    /// <summary>Addressed to the school, the provider and the bureau of the school's district.</summary>
    public static OutboxMessage Changed(Booking b, BookingStatus? old, DateTimeOffset at) =>
        OutboxMessage.Create(EventTypes.BookingChanged, at,
            [Audience.Organization(b.SchoolId), Audience.Organization(b.ProviderId), Audience.District(b.DistrictCode)],
            new BookingChangedData(b.Id, b.SessionId, b.OfferingId, b.SchoolId, b.ProviderId, old?.ToString(), b.Status.ToString(), b.Pupils));
}
