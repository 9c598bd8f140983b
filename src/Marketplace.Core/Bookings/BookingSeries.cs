using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

/// <summary>The provider's answer for a series as a whole; each session's own state is its booking's.</summary>
public enum SeriesStatus { Requested, Confirmed, Declined, Cancelled, Expired }

/// <summary>A session of the series and the booking made for it.</summary>
public sealed record SeriesSession(Guid SessionId, Guid BookingId, DateTimeOffset StartsAt);

/// <summary>A session of the range (or named) that the series did not book, and why (<see cref="UnbookedReasons"/>).</summary>
public sealed record UnbookedSession(Guid SessionId, DateTimeOffset StartsAt, string Reason, int? SeatsLeft = null);

/// <summary>Why a session of a series was not booked; stable codes, resource key <c>series.unbooked.{code}</c>.</summary>
public static class UnbookedReasons
{
    public const string SessionCancelled = "session-cancelled";
    public const string SessionPast = "session-past";
    public const string LeadTime = "lead-time";
    public const string SeatsUnavailable = "seats-unavailable";
}

public sealed record SeriesHistoryEntry(SeriesStatus Status, DateTimeOffset At, string By, string? Reason, string? Cause = null);

/// <summary>What a series request fixes besides its sessions: who, how many, which class, how to reach them.</summary>
public sealed record SeriesFacts(
    Guid OfferingId, Guid ProviderId, Guid SchoolId, string DistrictCode, int Pupils, IReadOnlyList<int> Grades, string? ClassName,
    string? TeacherName, string ContactName, string ContactPhone, string? Note, DateOnly From, DateOnly To, bool AllowPartial, long UnitPriceFen,
    TimeSpan ResponseWindow, BookingSnapshot Snapshot);

/// <summary>
/// One school's group booked onto many sessions of an offering in one request (issue 13): a group of <see cref="Booking"/>s, one
/// per session, committed together. The series holds the provider's answer for the whole group; per-session state (cancelled,
/// completed) is read from its bookings, so a per-session change never writes this document.
/// </summary>
public sealed class BookingSeries : IAggregate
{
    [JsonConstructor]
    private BookingSeries() { }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public Guid OfferingId { get; private set; }
    [JsonInclude] public Guid ProviderId { get; private set; }
    [JsonInclude] public Guid SchoolId { get; private set; }
    [JsonInclude] public string DistrictCode { get; private set; } = "";
    [JsonInclude] public int Pupils { get; private set; }
    [JsonInclude] public IReadOnlyList<int> Grades { get; private set; } = [];
    [JsonInclude] public string? ClassName { get; private set; }
    [JsonInclude] public string? TeacherName { get; private set; }
    [JsonInclude] public string ContactName { get; private set; } = "";
    [JsonInclude] public string ContactPhone { get; private set; } = "";
    [JsonInclude] public string? Note { get; private set; }
    [JsonInclude] public DateOnly From { get; private set; }
    [JsonInclude] public DateOnly To { get; private set; }
    [JsonInclude] public bool AllowPartial { get; private set; }
    [JsonInclude] public SeriesStatus Status { get; private set; }
    [JsonInclude] public IReadOnlyList<SeriesSession> Sessions { get; private set; } = [];
    [JsonInclude] public IReadOnlyList<UnbookedSession> Unbooked { get; private set; } = [];
    [JsonInclude] public long UnitPriceFen { get; private set; }
    [JsonInclude] public DateTimeOffset ExpiresAt { get; private set; }
    [JsonInclude] public DateTimeOffset CreatedAt { get; private set; }
    [JsonInclude] public IReadOnlyList<SeriesHistoryEntry> History { get; private set; } = [];
    [JsonInclude] public BookingSnapshot Snapshot { get; private set; } = null!;

    public static BookingSeries Request(Guid id, SeriesFacts f, IReadOnlyList<SeriesSession> sessions, IReadOnlyList<UnbookedSession> unbooked,
        DateTimeOffset now, string by) => new()
    {
        Id = id, Version = 1, OfferingId = f.OfferingId, ProviderId = f.ProviderId, SchoolId = f.SchoolId, DistrictCode = f.DistrictCode,
        Pupils = f.Pupils, Grades = f.Grades.Distinct().Order().ToArray(),
        ClassName = string.IsNullOrWhiteSpace(f.ClassName) ? null : f.ClassName.Trim(),
        TeacherName = string.IsNullOrWhiteSpace(f.TeacherName) ? null : f.TeacherName.Trim(),
        ContactName = f.ContactName.Trim(), ContactPhone = f.ContactPhone.Trim(), Note = string.IsNullOrWhiteSpace(f.Note) ? null : f.Note.Trim(),
        From = f.From, To = f.To, AllowPartial = f.AllowPartial, Status = SeriesStatus.Requested,
        Sessions = sessions.OrderBy(s => s.StartsAt).ToArray(), Unbooked = unbooked.OrderBy(s => s.StartsAt).ToArray(),
        UnitPriceFen = f.UnitPriceFen, ExpiresAt = now + f.ResponseWindow, CreatedAt = now,
        History = [new SeriesHistoryEntry(SeriesStatus.Requested, now, by, null)], Snapshot = f.Snapshot,
    };

    /// <summary>Only before <see cref="ExpiresAt"/>: past it the request is expired, whether or not the sweep has marked it yet.</summary>
    public void Confirm(DateTimeOffset now, string by)
    {
        if (Status == SeriesStatus.Requested && now >= ExpiresAt)
            throw new DomainRuleException("series-expired", ExpiresAt);
        Move(SeriesStatus.Confirmed, now, by, null, SeriesStatus.Requested);
    }

    public void Decline(string reason, DateTimeOffset now, string by) => Move(SeriesStatus.Declined, now, by, reason, SeriesStatus.Requested);

    /// <summary>Once no booking of the series is live any more.</summary>
    public void Cancel(string? reason, DateTimeOffset now, string by) =>
        Move(SeriesStatus.Cancelled, now, by, reason, SeriesStatus.Requested, SeriesStatus.Confirmed);

    public void Expire(DateTimeOffset now) => Move(SeriesStatus.Expired, now, "system", null, SeriesStatus.Requested, cause: BookingCauses.Expired);

    private void Move(SeriesStatus to, DateTimeOffset now, string by, string? reason, SeriesStatus from, SeriesStatus? alsoFrom = null, string? cause = null)
    {
        if (Status != from && Status != alsoFrom)
            throw new TransitionRefusedException("series-transition", Status, to);
        Status = to;
        History = [.. History, new SeriesHistoryEntry(to, now, by, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), cause)];
        Version++;
    }
}
