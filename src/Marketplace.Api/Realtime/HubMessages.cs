namespace Marketplace.Api.Realtime;

/// <summary>Server-to-client hub messages; each carries the outbox cursor of the event it reports.</summary>
public sealed record BookingChangedMessage(long Cursor, DateTimeOffset At, Guid BookingId, Guid SessionId, Guid OfferingId, Guid SchoolId, Guid ProviderId, string? OldStatus, string NewStatus, int Pupils);

public sealed record AvailabilityChangedMessage(long Cursor, DateTimeOffset At, Guid OfferingId, Guid SessionId, int Capacity, int Reserved, int FreeSeats, string SessionStatus);
