namespace Marketplace.Api.Realtime;

/// <summary>Server-to-client hub messages; each carries the outbox cursor of the event it reports.</summary>
public sealed record BookingChangedMessage(long Cursor, DateTimeOffset At, Guid BookingId, Guid SessionId, Guid OfferingId, Guid SchoolId, Guid ProviderId, string? OldStatus, string NewStatus, int Pupils, Guid? SeriesId = null);

/// <summary>A booking series moved (issue 13); its sessions' bookings are reported by their own bookingChanged, with seriesId.</summary>
public sealed record BookingSeriesChangedMessage(long Cursor, DateTimeOffset At, Guid SeriesId, Guid OfferingId, Guid SchoolId, Guid ProviderId, string? OldStatus, string NewStatus, int Sessions, int Pupils);

/// <summary>A session's seats as its provider sees them (its organisation stream).</summary>
public sealed record AvailabilityChangedMessage(long Cursor, DateTimeOffset At, Guid OfferingId, Guid SessionId, int Capacity, int Reserved, int FreeSeats, string SessionStatus);

/// <summary>A session's seats as the offering's watchers (anyone, anonymous included) see them: free seats and status, no capacity or reserved count.</summary>
public sealed record SeatsAvailableMessage(long Cursor, DateTimeOffset At, Guid OfferingId, Guid SessionId, int FreeSeats, string SessionStatus);
