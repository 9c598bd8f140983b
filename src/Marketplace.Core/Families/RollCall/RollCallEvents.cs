using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families.RollCall;

/// <summary>A roll was taken or edited: counts only (no pupil), to the booking's school and provider.</summary>
public sealed record RollCallChangedData(Guid BookingId, Guid SchoolId, Guid ProviderId, int Present, int Absent, long Version, string Side);

public static class RollCallEvents
{
    public static OutboxMessage Changed(Roll roll, string side, DateTimeOffset at) =>
        OutboxMessage.Create(EventTypes.RollCallChanged, at, [Audience.Organization(roll.SchoolId), Audience.Organization(roll.ProviderId)],
            new RollCallChangedData(roll.Id, roll.SchoolId, roll.ProviderId, roll.Present, roll.Marks.Count - roll.Present, roll.Version, side));
}
