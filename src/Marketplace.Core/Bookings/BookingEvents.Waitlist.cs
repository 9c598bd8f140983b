using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

public sealed record WaitlistChangedData(
    Guid EntryId, Guid SessionId, Guid OfferingId, Guid SchoolId, string? OldStatus, string NewStatus, int Pupils, DateTimeOffset? HeldUntil);

public static partial class BookingEvents
{
    /// <summary>
    /// Addressed to the school, the provider and the bureau of the school's district. <c>heldUntil</c> is written in +08:00:
    /// the change feed hands event data to clients as stored, and every instant a client reads is Beijing time.
    /// </summary>
    public static OutboxMessage WaitlistChanged(WaitlistEntry e, WaitlistStatus? old, DateTimeOffset at) =>
        OutboxMessage.Create(EventTypes.WaitlistChanged, at,
            [Audience.Organization(e.SchoolId), Audience.Organization(e.ProviderId), Audience.District(e.DistrictCode)],
            new WaitlistChangedData(e.Id, e.SessionId, e.OfferingId, e.SchoolId, old?.ToString(), e.Status.ToString(), e.Pupils,
                e.HeldUntil is { } until ? ChinaTime.ToLocal(until) : null));
}
