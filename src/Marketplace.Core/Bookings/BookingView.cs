using Marketplace.Core.Catalog;
using Marketplace.Core.Settlement;

namespace Marketplace.Core.Bookings;

/// <summary>
/// What clients see of a booking, with what a person reads (offering, provider, school, district, place, times) so a list
/// needs no look-ups per row; also the exact body replayed for a repeated idempotency key.
/// </summary>
public sealed record BookingView(
    Guid Id, BookingStatus Status, Guid SessionId, Guid OfferingId, Guid ProviderId, Guid SchoolId, string DistrictCode, int Pupils,
    IReadOnlyList<int> Grades, string ContactName, string ContactPhone, string? Note, Quote Quote, DateTimeOffset SessionStartsAt,
    DateTimeOffset CancelBefore, DateTimeOffset ExpiresAt, int? Attended, DateTimeOffset CreatedAt, long Version, IReadOnlyList<BookingHistoryEntry> History,
    string OfferingTitle, string ProviderName, string SchoolName, string SchoolAddress, string DistrictName, DeliveryMode Mode, string? VenueAddress,
    DateTimeOffset SessionEndsAt, string? StatusReason, string? StatusCause)
{
    /// <summary>The plan advice given when it was requested (<see cref="PlanAdvisor"/>): in the 201 answer and its replays only.</summary>
    public IReadOnlyList<BookingWarning> Warnings { get; init; } = [];

    /// <summary>The series the booking belongs to (issue 13), with its class and teacher in charge.</summary>
    public Guid? SeriesId { get; init; }
    public string? ClassName { get; init; }
    public string? TeacherName { get; init; }

    /// <summary>The recorded delivery and where its settlement stands (issue 15); null before completion.</summary>
    public Delivery? Delivery { get; init; }

    /// <summary>Pupils present by the session's roll call (issue 18); null without a roll.</summary>
    public int? RollPresent { get; init; }

    public static BookingView From(Booking b, BookingSnapshot s) => new(b.Id, b.Status, b.SessionId, b.OfferingId, b.ProviderId, b.SchoolId,
        b.DistrictCode, b.Pupils, b.Grades, b.ContactName, b.ContactPhone, b.Note, b.Quote, b.SessionStartsAt, b.CancelBefore, b.ExpiresAt,
        b.Attended, b.CreatedAt, b.Version, b.History, s.OfferingTitle, s.ProviderName, s.SchoolName, s.SchoolAddress, s.DistrictName, s.Mode,
        s.VenueAddress, s.SessionEndsAt, b.History.Count > 0 ? b.History[^1].Reason : null, b.History.Count > 0 ? b.History[^1].Cause : null)
    {
        SeriesId = b.SeriesId, ClassName = b.ClassName, TeacherName = b.TeacherName, Delivery = b.Delivery, RollPresent = b.RollPresent,
    };
}
