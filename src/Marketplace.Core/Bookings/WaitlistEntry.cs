using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

/// <summary>Waiting → Held (seats reserved for it) → Accepted (a booking took the seats) or Lapsed (the hold ran out); Left by the school; Cancelled with the session.</summary>
public enum WaitlistStatus { Waiting, Held, Accepted, Lapsed, Left, Cancelled }

/// <param name="Cause">Why the system moved it (<see cref="WaitlistCauses"/>), null when the school did.</param>
public sealed record WaitlistHistoryEntry(WaitlistStatus Status, DateTimeOffset At, string By, string? Cause = null);

/// <summary>The causes a waiting-list entry moves for without its school deciding it.</summary>
public static class WaitlistCauses
{
    public const string SeatsFreed = "seats-freed";
    public const string HoldExpired = "hold-expired";
    public const string SessionCancelled = "session-cancelled";
}

public sealed record WaitlistJoinFacts(
    Guid SessionId, Guid OfferingId, Guid ProviderId, Guid SchoolId, string DistrictCode, int Pupils, IReadOnlyList<int> Grades,
    string ContactName, string ContactPhone, string? Note);

/// <summary>
/// A school's group waiting for seats on a full session (kind <c>waitlist</c>). The queue is in <see cref="Id"/> order (version-7
/// ids follow time). A hold is reserved seats: the commit that holds an entry reserves its pupils on the session, so held seats
/// count in <c>Session.Reserved</c> and no booking can take them; accepting passes them to a booking without a seat change.
/// </summary>
public sealed class WaitlistEntry : IAggregate
{
    [JsonConstructor]
    private WaitlistEntry() { }

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
    [JsonInclude] public WaitlistStatus Status { get; private set; }
    [JsonInclude] public DateTimeOffset? HeldUntil { get; private set; }
    [JsonInclude] public Guid? BookingId { get; private set; }

    /// <summary><c>{sessionId:N}:{schoolId:N}</c> while Waiting or Held, else null: its unique index allows one live entry per school and session.</summary>
    [JsonInclude] public string? ActiveKey { get; private set; }
    [JsonInclude] public DateTimeOffset CreatedAt { get; private set; }
    [JsonInclude] public IReadOnlyList<WaitlistHistoryEntry> History { get; private set; } = [];

    public bool IsLive => Status is WaitlistStatus.Waiting or WaitlistStatus.Held;

    /// <summary>Only a held entry has seats reserved for it.</summary>
    public bool HoldsSeats => Status == WaitlistStatus.Held;

    public static string ActiveKeyOf(Guid sessionId, Guid schoolId) => sessionId.ToString("N") + ":" + schoolId.ToString("N");

    public static WaitlistEntry Join(WaitlistJoinFacts f, DateTimeOffset now, string by) => new()
    {
        Id = Ids.New(), Version = 1, SessionId = f.SessionId, OfferingId = f.OfferingId, ProviderId = f.ProviderId, SchoolId = f.SchoolId,
        DistrictCode = f.DistrictCode, Pupils = f.Pupils, Grades = f.Grades.Distinct().Order().ToArray(),
        ContactName = f.ContactName.Trim(), ContactPhone = f.ContactPhone.Trim(), Note = string.IsNullOrWhiteSpace(f.Note) ? null : f.Note.Trim(),
        Status = WaitlistStatus.Waiting, ActiveKey = ActiveKeyOf(f.SessionId, f.SchoolId), CreatedAt = now,
        History = [new WaitlistHistoryEntry(WaitlistStatus.Waiting, now, by)],
    };

    /// <summary>The same group as this request: a repeated join answers with this entry.</summary>
    public bool SameGroup(int pupils, IReadOnlyList<int> grades, string contactName, string contactPhone, string? note) =>
        Pupils == pupils && Grades.SequenceEqual(grades.Distinct().Order()) && ContactName == contactName.Trim() && ContactPhone == contactPhone.Trim()
        && Note == (string.IsNullOrWhiteSpace(note) ? null : note.Trim());

    public void Hold(DateTimeOffset until, DateTimeOffset now)
    {
        Move(WaitlistStatus.Held, now, "system", WaitlistCauses.SeatsFreed, WaitlistStatus.Waiting);
        HeldUntil = until;
    }

    /// <summary>Only while the hold lasts: past <see cref="HeldUntil"/> it has lapsed, whether or not the sweep has marked it yet.</summary>
    public void Accept(Guid bookingId, DateTimeOffset now, string by)
    {
        if (Status == WaitlistStatus.Held && now >= HeldUntil || Status == WaitlistStatus.Lapsed)
            throw new DomainRuleException("waitlist-hold-expired", HeldUntil);
        Move(WaitlistStatus.Accepted, now, by, null, WaitlistStatus.Held);
        BookingId = bookingId;
    }

    public void Lapse(DateTimeOffset now) => Move(WaitlistStatus.Lapsed, now, "system", WaitlistCauses.HoldExpired, WaitlistStatus.Held);

    public void Leave(DateTimeOffset now, string by) => Move(WaitlistStatus.Left, now, by, null, WaitlistStatus.Waiting, WaitlistStatus.Held);

    public void Cancel(DateTimeOffset now, string by, string cause) => Move(WaitlistStatus.Cancelled, now, by, cause, WaitlistStatus.Waiting, WaitlistStatus.Held);

    private void Move(WaitlistStatus to, DateTimeOffset now, string by, string? cause, params WaitlistStatus[] allowedFrom)
    {
        if (!allowedFrom.Contains(Status))
            throw new TransitionRefusedException("waitlist-transition", Status, to);
        Status = to;
        ActiveKey = IsLive ? ActiveKey : null;
        History = [.. History, new WaitlistHistoryEntry(to, now, by, cause)];
        Version++;
    }
}
