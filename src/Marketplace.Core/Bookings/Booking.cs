using System.Text.Json.Serialization;
using Marketplace.Core.Catalog;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

public enum BookingStatus { Requested, Confirmed, Declined, Cancelled, Completed, Expired }

/// <summary>The price fixed when the school booked; later price edits never change it.</summary>
public sealed record Quote(long UnitPriceFen, long TotalFen);

public sealed record BookingHistoryEntry(BookingStatus Status, DateTimeOffset At, string By, string? Reason);

/// <summary>
/// What the school and the provider read about a booking, copied when it was made: a booking is what was agreed then,
/// and a list of 500 bookings is one query, not 500 look-ups. Older bookings have none; queries fill it in.
/// </summary>
public sealed record BookingSnapshot(
    string OfferingTitle, string ProviderName, string SchoolName, string SchoolAddress, string DistrictName, DeliveryMode Mode,
    string? VenueAddress, DateTimeOffset SessionEndsAt);

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
            throw new DomainRuleException("booking-expired", $"该预约已于 {ChinaTime.ToLocal(ExpiresAt):yyyy-MM-dd HH:mm} 超过确认时限 / the request expired unanswered and can no longer be confirmed.");
        Move(BookingStatus.Confirmed, now, by, null, BookingStatus.Requested);
    }

    public void Decline(string reason, DateTimeOffset now, string by) => Move(BookingStatus.Declined, now, by, reason, BookingStatus.Requested);

    public void CancelBySchool(string? reason, DateTimeOffset now, string by)
    {
        if (HoldsSeats && now >= CancelBefore)
            throw new DomainRuleException("booking-cancel-cutoff", $"学校须在 {ChinaTime.ToLocal(CancelBefore):yyyy-MM-dd HH:mm} 前取消 / the school could cancel only before the offering's cut-off.");
        Move(BookingStatus.Cancelled, now, by, reason, BookingStatus.Requested, BookingStatus.Confirmed);
    }

    public void CancelByProvider(string reason, DateTimeOffset now, string by) =>
        Move(BookingStatus.Cancelled, now, by, reason, BookingStatus.Requested, BookingStatus.Confirmed);

    public void Complete(int attended, DateTimeOffset now, string by)
    {
        if (attended < 0 || attended > Pupils)
            throw ValidationFailedException.For("attended", $"实到人数须在 0 到 {Pupils} 之间 / attendance must be between 0 and the {Pupils} booked.");
        if (now < SessionStartsAt)
            throw new DomainRuleException("booking-not-delivered", "A session cannot be completed before it starts.");
        Move(BookingStatus.Completed, now, by, null, BookingStatus.Confirmed);
        Attended = attended;
    }

    public void Expire(DateTimeOffset now) => Move(BookingStatus.Expired, now, "system", "未在时限内确认 / not answered in time", BookingStatus.Requested);

    private void Move(BookingStatus to, DateTimeOffset now, string by, string? reason, params BookingStatus[] allowedFrom)
    {
        if (!allowedFrom.Contains(Status))
            throw new TransitionRefusedException("booking-transition", "该预约", "a booking", Status.ToString(), to.ToString());
        Status = to;
        History = [.. History, new BookingHistoryEntry(to, now, by, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim())];
        Version++;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

public sealed record BookingRequestFacts(
    Guid SessionId, Guid OfferingId, Guid ProviderId, Guid SchoolId, string DistrictCode, int Pupils, IReadOnlyList<int> Grades,
    string ContactName, string ContactPhone, string? Note, long UnitPriceFen, DateTimeOffset SessionStartsAt,
    int CancellationCutoffHours, TimeSpan ResponseWindow, BookingSnapshot Snapshot);
