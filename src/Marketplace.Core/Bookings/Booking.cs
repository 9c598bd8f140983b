using System.Text.Json.Serialization;
using Marketplace.Core.Catalog;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

public enum BookingStatus { Requested, Confirmed, Declined, Cancelled, Completed, Expired }

/// <summary>The price fixed when the school booked; later price edits never change it.</summary>
public sealed record Quote(long UnitPriceFen, long TotalFen);

/// <param name="Reason">What a person wrote (the provider's or bureau's words), as they wrote it.</param>
/// <param name="Cause">Why the system moved it, when a person did not decide this booking alone: a stable code
/// (<see cref="BookingCauses"/>) that clients and the web UI show in the reader's language. Null for older entries, whose
/// system reasons were written into <paramref name="Reason"/> as text.</param>
public sealed record BookingHistoryEntry(BookingStatus Status, DateTimeOffset At, string By, string? Reason, string? Cause = null);

/// <summary>The causes a booking moves for without its own school or provider deciding it; resource key <c>cause.{code}</c>.</summary>
public static class BookingCauses
{
    public const string Expired = "expired";
    public const string SessionCancelled = "session-cancelled";
    public const string ProviderSuspended = "provider-suspended";
}

/// <summary>
/// What the school and the provider read about a booking, copied when it was made: a booking is what was agreed then,
/// and a list of 500 bookings is one query, not 500 look-ups. Older bookings have none; queries fill it in.
/// </summary>
public sealed record BookingSnapshot(
    string OfferingTitle, string ProviderName, string SchoolName, string SchoolAddress, string DistrictName, DeliveryMode Mode,
    string? VenueAddress, DateTimeOffset SessionEndsAt)
{
    /// <summary>The offering's category then (a plan's pupils by category); null in snapshots made before it was kept.</summary>
    public Category? Category { get; init; }
}

/// <summary>A school's request for seats on one session, and everything that happened to it since.</summary>
public sealed class Booking : IAggregate
{
    [JsonConstructor]
    private Booking() { }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public Guid SessionId { get; private set; }
    [JsonInclude] public Guid OfferingId { get; private set; }
    [JsonInclude] public Guid ProviderId { get; private set; }
    [JsonInclude] public Guid SchoolId { get; private set; }
    [JsonInclude] public string DistrictCode { get; private set; } = "";
    [JsonInclude] public int Pupils { get; private set; }
    [JsonInclude] public IReadOnlyList<int> Grades { get; private set; } = [];
    [JsonInclude] public string ContactName { get; private set; } = "";
    [JsonInclude] public string ContactPhone { get; private set; } = "";
    [JsonInclude] public string? Note { get; private set; }
    [JsonInclude] public BookingStatus Status { get; private set; }
    [JsonInclude] public Quote Quote { get; private set; } = null!;
    [JsonInclude] public DateTimeOffset SessionStartsAt { get; private set; }
    [JsonInclude] public DateTimeOffset CancelBefore { get; private set; }
    [JsonInclude] public DateTimeOffset ExpiresAt { get; private set; }
    [JsonInclude] public int? Attended { get; private set; }
    [JsonInclude] public DateTimeOffset CreatedAt { get; private set; }
    [JsonInclude] public IReadOnlyList<BookingHistoryEntry> History { get; private set; } = [];
    [JsonInclude] public BookingSnapshot? Snapshot { get; private set; }

    /// <summary>Seats stay held while the booking is live; every other state has released them.</summary>
    public bool HoldsSeats => Status is BookingStatus.Requested or BookingStatus.Confirmed;

    public static Booking Request(BookingRequestFacts f, DateTimeOffset now, string by) => new()
    {
        Id = Ids.New(), Version = 1, SessionId = f.SessionId, OfferingId = f.OfferingId, ProviderId = f.ProviderId,
        SchoolId = f.SchoolId, DistrictCode = f.DistrictCode, Pupils = f.Pupils, Grades = f.Grades.Distinct().Order().ToArray(),
        ContactName = f.ContactName.Trim(), ContactPhone = f.ContactPhone.Trim(), Note = string.IsNullOrWhiteSpace(f.Note) ? null : f.Note.Trim(),
        Status = BookingStatus.Requested, Quote = new Quote(f.UnitPriceFen, checked(f.UnitPriceFen * f.Pupils)),
        SessionStartsAt = f.SessionStartsAt, CancelBefore = f.SessionStartsAt.AddHours(-f.CancellationCutoffHours),
        ExpiresAt = Min(now + f.ResponseWindow, f.SessionStartsAt), CreatedAt = now,
        History = [new BookingHistoryEntry(BookingStatus.Requested, now, by, null)], Snapshot = f.Snapshot,
    };

    /// <summary>Only before <see cref="ExpiresAt"/>: past it the request is expired, whether or not the sweep has marked it yet.</summary>
    public void Confirm(DateTimeOffset now, string by)
    {
        if (Status == BookingStatus.Requested && now >= ExpiresAt)
            throw new DomainRuleException("booking-expired", ExpiresAt);
        Move(BookingStatus.Confirmed, now, by, null, BookingStatus.Requested);
    }

    public void Decline(string reason, DateTimeOffset now, string by, string? cause = null) =>
        Move(BookingStatus.Declined, now, by, reason, BookingStatus.Requested, cause);

    public void CancelBySchool(string? reason, DateTimeOffset now, string by)
    {
        if (HoldsSeats && now >= CancelBefore)
            throw new DomainRuleException("booking-cancel-cutoff", CancelBefore);
        Move(BookingStatus.Cancelled, now, by, reason, [BookingStatus.Requested, BookingStatus.Confirmed]);
    }

    public void CancelByProvider(string reason, DateTimeOffset now, string by, string? cause = null) =>
        Move(BookingStatus.Cancelled, now, by, reason, [BookingStatus.Requested, BookingStatus.Confirmed], cause);

    public void Complete(int attended, DateTimeOffset now, string by)
    {
        if (attended < 0 || attended > Pupils)
            throw ValidationFailedException.For("attended", "booking.attended-range", Pupils);
        if (now < SessionStartsAt)
            throw new DomainRuleException("booking-not-delivered");
        Move(BookingStatus.Completed, now, by, null, BookingStatus.Confirmed);
        Attended = attended;
    }

    public void Expire(DateTimeOffset now) => Move(BookingStatus.Expired, now, "system", null, BookingStatus.Requested, BookingCauses.Expired);

    private void Move(BookingStatus to, DateTimeOffset now, string by, string? reason, BookingStatus allowedFrom, string? cause = null) =>
        Move(to, now, by, reason, [allowedFrom], cause);

    private void Move(BookingStatus to, DateTimeOffset now, string by, string? reason, BookingStatus[] allowedFrom, string? cause = null)
    {
        if (!allowedFrom.Contains(Status))
            throw new TransitionRefusedException("booking-transition", Status, to);
        Status = to;
        History = [.. History, new BookingHistoryEntry(to, now, by, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), cause)];
        Version++;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

public sealed record BookingRequestFacts(
    Guid SessionId, Guid OfferingId, Guid ProviderId, Guid SchoolId, string DistrictCode, int Pupils, IReadOnlyList<int> Grades,
    string ContactName, string ContactPhone, string? Note, long UnitPriceFen, DateTimeOffset SessionStartsAt,
    int CancellationCutoffHours, TimeSpan ResponseWindow, BookingSnapshot Snapshot);
