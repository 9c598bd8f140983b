namespace Marketplace.Api.Realtime;

/// <summary>Server-to-client hub messages; each carries the outbox cursor of the event it reports.</summary>
public sealed record BookingChangedMessage(long Cursor, DateTimeOffset At, Guid BookingId, Guid SessionId, Guid OfferingId, Guid SchoolId, Guid ProviderId, string? OldStatus, string NewStatus, int Pupils, Guid? SeriesId = null);

/// <summary>A booking series moved (issue 13); its sessions' bookings are reported by their own bookingChanged, with seriesId.</summary>
public sealed record BookingSeriesChangedMessage(long Cursor, DateTimeOffset At, Guid SeriesId, Guid OfferingId, Guid SchoolId, Guid ProviderId, string? OldStatus, string NewStatus, int Sessions, int Pupils);

/// <summary>A waiting-list entry moved (joined, held with <c>HeldUntil</c>, accepted, lapsed, left, cancelled with its session).</summary>
public sealed record WaitlistChangedMessage(long Cursor, DateTimeOffset At, Guid EntryId, Guid SessionId, Guid OfferingId, Guid SchoolId, string? OldStatus, string NewStatus, int Pupils, DateTimeOffset? HeldUntil);

/// <summary>A session's seats as its provider sees them (its organisation stream).</summary>
public sealed record AvailabilityChangedMessage(long Cursor, DateTimeOffset At, Guid OfferingId, Guid SessionId, int Capacity, int Reserved, int FreeSeats, string SessionStatus);

/// <summary>A session's seats as the offering's watchers (anyone, anonymous included) see them: free seats and status, no capacity or reserved count.</summary>
public sealed record SeatsAvailableMessage(long Cursor, DateTimeOffset At, Guid OfferingId, Guid SessionId, int FreeSeats, string SessionStatus);

/// <summary>An offering changed state (paused, resumed, archived …): to its provider and, for a pause, resume or archive, to the schools holding bookings of it.</summary>
public sealed record OfferingChangedMessage(long Cursor, DateTimeOffset At, Guid OfferingId, Guid ProviderId, string Status, long Version);

/// <summary>
/// A 走出去 session is below the offering's minGroup by its decision deadline (<c>decision</c> null), or its provider decided to run
/// it anyway (<c>decision</c> "runs"): to the provider and the schools booked on it.
/// </summary>
public sealed record SessionUnderfilledMessage(long Cursor, DateTimeOffset At, Guid SessionId, Guid OfferingId, Guid ProviderId, DateTimeOffset StartsAt,
    int Pupils, int MinGroup, string? Decision);

/// <summary>A booking's roll call was taken or edited (issue 18): counts only, to the booking's school and provider.</summary>
public sealed record RollCallChangedMessage(long Cursor, DateTimeOffset At, Guid BookingId, Guid SchoolId, Guid ProviderId, int Present, int Absent,
    long Version, string Side);
/// <summary>A selection application moved a step (or the window itself: <c>applicationId</c> null): to the school and the pupil's guardian.</summary>
public sealed record SelectionChangedMessage(long Cursor, DateTimeOffset At, Guid WindowId, Guid SchoolId, Guid? ApplicationId, Guid? PupilId, string? OldStatus,
    string NewStatus, IReadOnlyList<Guid> Placed);

/// <summary>A window put pupils on (or took them off) these bookings' class lists: to the provider and the school.</summary>
public sealed record ClassListChangedMessage(long Cursor, DateTimeOffset At, Guid WindowId, Guid SchoolId, Guid ProviderId, IReadOnlyList<Guid> BookingIds);
