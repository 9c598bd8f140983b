using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

/// <summary>A series moved (requested, confirmed, declined, cancelled, expired); its sessions' bookings send their own bookingChanged.</summary>
public sealed record BookingSeriesChangedData(
    Guid SeriesId, Guid OfferingId, Guid SchoolId, Guid ProviderId, string? OldStatus, string NewStatus, int Sessions, int Pupils);

public static partial class BookingEvents
{
    /// <summary>Addressed to the school, the provider and the bureau of the school's district, as a booking's.</summary>
    public static OutboxMessage SeriesChanged(BookingSeries s, SeriesStatus? old, DateTimeOffset at) =>
        OutboxMessage.Create(EventTypes.BookingSeriesChanged, at,
            [Audience.Organization(s.SchoolId), Audience.Organization(s.ProviderId), Audience.District(s.DistrictCode)],
            new BookingSeriesChangedData(s.Id, s.OfferingId, s.SchoolId, s.ProviderId, old?.ToString(), s.Status.ToString(), s.Sessions.Count, s.Pupils));
}
