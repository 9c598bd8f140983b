using System.Text.Json.Serialization;
using Marketplace.Core.Catalog;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

public enum BookingStatus { Requested, Confirmed, Declined, Cancelled, Completed, Expired }

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

    /// <summary>The delivery the provider recorded and where its settlement stands (据实结算); null until completed.</summary>
    [JsonInclude] public Delivery? Delivery { get; private set; }
    [JsonInclude] public DateTimeOffset CreatedAt { get; private set; }
    [JsonInclude] public IReadOnlyList<BookingHistoryEntry> History { get; private set; } = [];
    [JsonInclude] public BookingSnapshot? Snapshot { get; private set; }
    /// <summary>The series this booking was made in (issue 13); null for a single booking and for older ones.</summary>
    [JsonInclude] public Guid? SeriesId { get; private set; }
    [JsonInclude] public string? ClassName { get; private set; }
    [JsonInclude] public string? TeacherName { get; private set; }

    /// <summary>Pupils present by the session's roll call (Families.RollCall), once one is taken: the delivery's attendance rests on it.</summary>
    [JsonInclude] public int? RollPresent { get; private set; }

    /// <summary>Seats stay held while the booking is live; every other state has released them.</summary>
    public bool HoldsSeats => Status is BookingStatus.Requested or BookingStatus.Confirmed;

    public static Booking Request(BookingRequestFacts f, DateTimeOffset now, string by) => new()
    {
        Id = Ids.New(), Version = 1, SessionId = f.SessionId, OfferingId = f.OfferingId, ProviderId = f.ProviderId,
        SchoolId = f.SchoolId, DistrictCode = f.DistrictCode, Pupils = f.Pupils, Grades = f.Grades.Distinct().Order().ToArray(),
        ContactName = f.ContactName.Trim(), ContactPhone = f.ContactPhone.Trim(), Note = string.IsNullOrWhiteSpace(f.Note) ? null : f.Note.Trim(),
        Status = BookingStatus.Requested, Quote = f.Quote ?? new Quote(f.UnitPriceFen, checked(f.UnitPriceFen * f.Pupils)),
        SessionStartsAt = f.SessionStartsAt, CancelBefore = f.SessionStartsAt.AddHours(-f.CancellationCutoffHours),
        ExpiresAt = Min(now + f.ResponseWindow, f.SessionStartsAt), CreatedAt = now,
        History = [new BookingHistoryEntry(BookingStatus.Requested, now, by, null)], Snapshot = f.Snapshot,
        SeriesId = f.SeriesId,
        ClassName = string.IsNullOrWhiteSpace(f.ClassName) ? null : f.ClassName.Trim(),
        TeacherName = string.IsNullOrWhiteSpace(f.TeacherName) ? null : f.TeacherName.Trim(),
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

    /// <summary>The school may always withdraw a request the provider has not confirmed; a confirmed booking only before the cut-off.</summary>
    public void CancelBySchool(string? reason, DateTimeOffset now, string by)
    {
        if (Status == BookingStatus.Confirmed && now >= CancelBefore)
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
        if (RollPresent is { } roll && attended != roll)
            throw ValidationFailedException.For("attended", "rollcall.attended-mismatch", roll);
        Move(BookingStatus.Completed, now, by, null, BookingStatus.Confirmed);
        Attended = attended;
        Delivery = new Delivery(attended, now, by, now.AddDays(Quote.DisputeDays), DeliveryStatus.Recorded);
    }

    /// <summary>
    /// The session's roll call counts <paramref name="present"/> pupils: only once the session started, only while the delivery is
    /// not settled (a delivery recorded or under dispute follows the roll: its attendance becomes the roll's count).
    /// </summary>
    public void RecordRoll(int present, DateTimeOffset now)
    {
        EnsureRollOpen(now);
        if (present > Pupils) throw ValidationFailedException.For("marks", "booking.attended-range", Pupils);
        RollPresent = present;
        if (Status == BookingStatus.Completed && Delivery is { } delivery)
        {
            Attended = present;
            Delivery = delivery with { Attended = present };
        }
        Version++;
    }

    /// <summary>Refuses a roll call unless the booking is confirmed or completed, its session started and its delivery is not settled.</summary>
    public void EnsureRollOpen(DateTimeOffset now)
    {
        if (Delivery is { IsSettled: true }) throw new DomainRuleException("rollcall-settled");
        if (Status is not (BookingStatus.Confirmed or BookingStatus.Completed)) throw new DomainRuleException("rollcall-booking-status", Status);
        if (now < SessionStartsAt) throw new DomainRuleException("rollcall-not-started", SessionStartsAt);
    }

    /// <summary>The school confirms the recorded delivery, saying how many of the absent pupils were 家庭经济困难 (their share was
    /// waived); null: as few as can be (absences beyond the paying pupils booked).</summary>
    public void ConfirmDelivery(int? absentHardship, DateTimeOffset now, string by)
    {
        var delivery = RecordedDelivery();
        var hardship = absentHardship ?? LeastAbsentHardship(delivery.Attended);
        CheckAbsentHardship(hardship, delivery.Attended);
        Settle(delivery with { Status = DeliveryStatus.Confirmed, AbsentHardship = hardship, SettledAt = now, SettledBy = by });
    }

    /// <summary>The school disputes the recorded delivery within its window; the district's bureau decides.</summary>
    public void DisputeDelivery(string reason, int? claimedAttended, DateTimeOffset now, string by)
    {
        var delivery = RecordedDelivery();
        if (now > delivery.DisputeBy) throw new DomainRuleException("delivery-dispute-closed", delivery.DisputeBy);
        if (claimedAttended is { } claimed && (claimed < 0 || claimed > Pupils))
            throw ValidationFailedException.For("claimedAttended", "booking.attended-range", Pupils);
        Delivery = delivery with { Status = DeliveryStatus.Disputed, DisputeReason = reason.Trim(), ClaimedAttended = claimedAttended, DisputedAt = now, DisputedBy = by };
        Version++;
    }

    /// <summary>The school did not answer in time: silence confirms (no absent pupil counted as 家庭经济困难 but those who must be:
    /// absences beyond the paying pupils booked).</summary>
    public void ConfirmDeliveryBySilence(DateTimeOffset now)
    {
        var delivery = RecordedDelivery();
        if (now <= delivery.DisputeBy) throw new DomainRuleException("delivery-window-open", delivery.DisputeBy);
        Settle(delivery with
        {
            Status = DeliveryStatus.Confirmed, AbsentHardship = LeastAbsentHardship(delivery.Attended), SettledAt = now, SettledBy = "system",
        });
    }

    /// <summary>The bureau decides a disputed delivery: how many attended (settled on that), with a note both sides see.</summary>
    public void ResolveDispute(int attended, int? absentHardshipGiven, string note, DateTimeOffset now, string by)
    {
        if (Delivery is not { Status: DeliveryStatus.Disputed } delivery)
            throw new TransitionRefusedException("delivery-transition", Delivery?.Status ?? DeliveryStatus.Recorded, DeliveryStatus.Resolved);
        if (attended < 0 || attended > Pupils) throw ValidationFailedException.For("attended", "booking.attended-range", Pupils);
        var absentHardship = absentHardshipGiven ?? LeastAbsentHardship(attended);
        CheckAbsentHardship(absentHardship, attended);
        Attended = attended;
        Settle(delivery with
        {
            Status = DeliveryStatus.Resolved, Attended = attended, AbsentHardship = absentHardship, Resolution = note.Trim(), SettledAt = now, SettledBy = by,
        });
    }

    private Delivery RecordedDelivery() =>
        Status == BookingStatus.Completed && Delivery is { Status: DeliveryStatus.Recorded } delivery
            ? delivery
            : throw new TransitionRefusedException("delivery-transition", Delivery?.Status ?? DeliveryStatus.Recorded, DeliveryStatus.Confirmed);

    private void CheckAbsentHardship(int absentHardship, int attended)
    {
        if (absentHardship < 0 || absentHardship > Math.Min(Quote.Hardship, Pupils - attended))
            throw ValidationFailedException.For("absentHardship", "delivery.absent-hardship-range", Math.Min(Quote.Hardship, Pupils - attended));
        if (absentHardship < LeastAbsentHardship(attended))
            throw ValidationFailedException.For("absentHardship", "delivery.absent-hardship-below-paying", LeastAbsentHardship(attended));
    }

    /// <summary>Absent pupils beyond the paying (non-hardship) pupils booked can only be 家庭经济困难 ones.</summary>
    private int LeastAbsentHardship(int attended) => Math.Max(0, Quote.Hardship - attended);

    private void Settle(Delivery delivery)
    {
        Delivery = delivery;
        Version++;
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

/// <summary>Where a completed booking's settlement stands (据实结算): recorded by the provider, then confirmed (by the school or its
/// silence), or disputed and resolved by the bureau. Only a confirmed or resolved delivery is posted to the ledger.</summary>
public enum DeliveryStatus { Recorded, Confirmed, Disputed, Resolved }

/// <summary>
/// The delivery the provider recorded: <see cref="Attended"/> pupils (the bureau's figure once resolved), when, by whom, and until
/// when the school may dispute it (<see cref="DisputeBy"/>). <see cref="AbsentHardship"/>: absent pupils whose share was waived.
/// </summary>
public sealed record Delivery(int Attended, DateTimeOffset RecordedAt, string RecordedBy, DateTimeOffset DisputeBy, DeliveryStatus Status)
{
    public int AbsentHardship { get; init; }
    public string? DisputeReason { get; init; }
    public int? ClaimedAttended { get; init; }
    public DateTimeOffset? DisputedAt { get; init; }
    public string? DisputedBy { get; init; }
    public string? Resolution { get; init; }
    public DateTimeOffset? SettledAt { get; init; }
    public string? SettledBy { get; init; }

    public bool IsSettled => Status is DeliveryStatus.Confirmed or DeliveryStatus.Resolved;
}

public sealed record BookingRequestFacts(
    Guid SessionId, Guid OfferingId, Guid ProviderId, Guid SchoolId, string DistrictCode, int Pupils, IReadOnlyList<int> Grades,
    string ContactName, string ContactPhone, string? Note, long UnitPriceFen, DateTimeOffset SessionStartsAt,
    int CancellationCutoffHours, TimeSpan ResponseWindow, BookingSnapshot Snapshot)
{
    public Guid? SeriesId { get; init; }

    /// <summary>The quote from the district's policy (Settlement.QuoteService); null: price × pupils, as without a policy.</summary>
    public Quote? Quote { get; init; }
    public string? ClassName { get; init; }
    public string? TeacherName { get; init; }
}
