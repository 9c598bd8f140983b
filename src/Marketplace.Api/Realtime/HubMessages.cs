namespace Marketplace.Api.Realtime;

/// <summary>Server-to-client hub messages; each carries the outbox cursor of the event it reports.</summary>
public sealed record BookingChangedMessage(long Cursor, DateTimeOffset At, Guid BookingId, Guid SessionId, Guid OfferingId, Guid SchoolId, Guid ProviderId, string? OldStatus, string NewStatus, int Pupils);

/// <summary>A waiting-list entry moved (joined, held with <c>HeldUntil</c>, accepted, lapsed, left, cancelled with its session).</summary>
public sealed record WaitlistChangedMessage(long Cursor, DateTimeOffset At, Guid EntryId, Guid SessionId, Guid OfferingId, Guid SchoolId, string? OldStatus, string NewStatus, int Pupils, DateTimeOffset? HeldUntil);

/// <summary>A session's seats as its provider sees them (its organisation stream).</summary>
public sealed record AvailabilityChangedMessage(long Cursor, DateTimeOffset At, Guid OfferingId, Guid SessionId, int Capacity, int Reserved, int FreeSeats, string SessionStatus);

/// <summary>A session's seats as the offering's watchers (anyone, anonymous included) see them: free seats and status, no capacity or reserved count.</summary>
public sealed record SeatsAvailableMessage(long Cursor, DateTimeOffset At, Guid OfferingId, Guid SessionId, int FreeSeats, string SessionStatus);
