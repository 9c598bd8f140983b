using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families.Selection;

/// <summary>An application moved (or a window's phase): <see cref="ApplicationId"/> null for a window's own change.</summary>
public sealed record SelectionChangedData(Guid WindowId, Guid SchoolId, Guid? ApplicationId, Guid? PupilId, string? OldStatus, string NewStatus,
    IReadOnlyList<Guid> Placed);

/// <summary>A provider's class lists changed: these bookings got (or lost) pupils from a window.</summary>
public sealed record ClassListChangedData(Guid WindowId, Guid SchoolId, Guid ProviderId, IReadOnlyList<Guid> BookingIds);

public static class SelectionEvents
{
    /// <summary>An application's step: to the school and the pupil's guardian (its own organisation is itself).</summary>
    public static OutboxMessage ApplicationChanged(SelectionApplication a, ApplicationStatus? old, DateTimeOffset at) =>
        OutboxMessage.Create(EventTypes.SelectionChanged, at, [Audience.Organization(a.SchoolId), Audience.Organization(a.GuardianId)],
            new SelectionChangedData(a.WindowId, a.SchoolId, a.Id, a.PupilId, old?.ToString(), a.Status.ToString(), [.. a.Placements.Select(p => p.ProgrammeId)]));

    /// <summary>The window itself (opened, rescheduled, closed, drawn): to the school and the given guardians.</summary>
    public static OutboxMessage WindowChanged(SelectionWindow w, string phase, IEnumerable<Guid> guardians, DateTimeOffset at) =>
        OutboxMessage.Create(EventTypes.SelectionChanged, at, [Audience.Organization(w.SchoolId), .. guardians.Select(Audience.Organization)],
            new SelectionChangedData(w.Id, w.SchoolId, null, null, null, phase, []));

    public static OutboxMessage ClassListChanged(SelectionWindow w, Guid providerId, IReadOnlyList<Guid> bookingIds, DateTimeOffset at) =>
        OutboxMessage.Create(EventTypes.ClassListChanged, at, [Audience.Organization(providerId), Audience.Organization(w.SchoolId)],
            new ClassListChangedData(w.Id, w.SchoolId, providerId, bookingIds));
}
