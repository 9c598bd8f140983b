using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Catalog;

public enum SessionStatus { Scheduled, Cancelled }

/// <summary>The provider's answer to an underfilled session: it runs as booked (cancelling is the session's cancel).</summary>
public enum SessionDecision { Runs }

/// <summary>When a 走出去 session was found below the offering's minGroup by its decision deadline, with the pupils booked then.</summary>
public sealed record UnderfilledNotice(DateTimeOffset At, int Pupils, int MinGroup);

/// <summary>
/// A dated slot (场次) with a seat capacity. <see cref="Reserved"/> is changed only by the store's
/// conditional atomic update, never by read-modify-write, so it can never exceed <see cref="Capacity"/>.
/// </summary>
public sealed class Session : IAggregate
{
    [JsonConstructor]
    private Session() { }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public Guid OfferingId { get; private set; }
    [JsonInclude] public Guid ProviderId { get; private set; }
    [JsonInclude] public DateTimeOffset StartsAt { get; private set; }
    [JsonInclude] public DateTimeOffset EndsAt { get; private set; }
    [JsonInclude] public int Capacity { get; private set; }
    [JsonInclude] public int Reserved { get; private set; }
    [JsonInclude] public SessionStatus Status { get; private set; }
    [JsonInclude] public string? CancellationReason { get; private set; }

    /// <summary>Set once, when the session was found underfilled (<c>UnderfilledSessionCommands</c>); null otherwise.</summary>
    [JsonInclude] public UnderfilledNotice? Underfilled { get; private set; }

    /// <summary>The provider's decision on an underfilled session; null until it decides to run it.</summary>
    [JsonInclude] public SessionDecision? Decision { get; private set; }

    public int FreeSeats => Status == SessionStatus.Scheduled ? Math.Max(0, Capacity - Reserved) : 0;

    public static Session Schedule(Guid offeringId, Guid providerId, DateTimeOffset startsAt, DateTimeOffset endsAt, int capacity) => new()
    {
        Id = Ids.New(), Version = 1, OfferingId = offeringId, ProviderId = providerId,
        StartsAt = startsAt.ToUniversalTime(), EndsAt = endsAt.ToUniversalTime(), Capacity = capacity, Status = SessionStatus.Scheduled,
    };

    public bool Overlaps(DateTimeOffset start, DateTimeOffset end) => Status == SessionStatus.Scheduled && StartsAt < end && start < EndsAt;

    /// <summary>Records that the session is below the offering's minGroup; once (false when it already was, or is cancelled).</summary>
    public bool FlagUnderfilled(DateTimeOffset now, int pupils, int minGroup)
    {
        if (Underfilled is not null || Status != SessionStatus.Scheduled) return false;
        Underfilled = new UnderfilledNotice(now, pupils, minGroup);
        Version++;
        return true;
    }

    /// <summary>The provider runs an underfilled session as booked; false when it had already decided so.</summary>
    public bool Run()
    {
        if (Status == SessionStatus.Cancelled) throw new DomainRuleException("session-cancelled");
        if (Underfilled is null) throw new DomainRuleException("session-not-underfilled");
        if (Decision == SessionDecision.Runs) return false;
        Decision = SessionDecision.Runs;
        Version++;
        return true;
    }

    public void Cancel(string reason)
    {
        if (Status == SessionStatus.Cancelled)
            throw new DomainRuleException("session-cancelled");
        Status = SessionStatus.Cancelled;
        CancellationReason = reason.Trim();
        Version++;
    }
}
