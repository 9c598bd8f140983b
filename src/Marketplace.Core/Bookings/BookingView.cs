namespace Marketplace.Core.Bookings;

/// <summary>What clients see of a booking; also the exact body replayed for a repeated Idempotency-Key.</summary>
public sealed record BookingView(
    Guid Id, BookingStatus Status, Guid SessionId, Guid OfferingId, Guid ProviderId, Guid SchoolId, string DistrictCode, int Pupils,
    IReadOnlyList<int> Grades, string ContactName, string ContactPhone, string? Note, Quote Quote, DateTimeOffset SessionStartsAt,
    DateTimeOffset CancelBefore, DateTimeOffset ExpiresAt, int? Attended, DateTimeOffset CreatedAt, long Version, IReadOnlyList<BookingHistoryEntry> History)
{
    public static BookingView From(Booking b) => new(b.Id, b.Status, b.SessionId, b.OfferingId, b.ProviderId, b.SchoolId, b.DistrictCode, b.Pupils,
        b.Grades, b.ContactName, b.ContactPhone, b.Note, b.Quote, b.SessionStartsAt, b.CancelBefore, b.ExpiresAt, b.Attended, b.CreatedAt, b.Version, b.History);
}
