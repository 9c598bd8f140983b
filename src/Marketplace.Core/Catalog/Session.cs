using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Catalog;

public enum SessionStatus { Scheduled, Cancelled }

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

    public int FreeSeats => Status == SessionStatus.Scheduled ? Math.Max(0, Capacity - Reserved) : 0;

    public static Session Schedule(Guid offeringId, Guid providerId, DateTimeOffset startsAt, DateTimeOffset endsAt, int capacity) => new()
    {
        Id = Ids.New(), Version = 1, OfferingId = offeringId, ProviderId = providerId,
        StartsAt = startsAt.ToUniversalTime(), EndsAt = endsAt.ToUniversalTime(), Capacity = capacity, Status = SessionStatus.Scheduled,
    };

    public bool Overlaps(DateTimeOffset start, DateTimeOffset end) => Status == SessionStatus.Scheduled && StartsAt < end && start < EndsAt;

    public void Cancel(string reason)
    {
        if (Status == SessionStatus.Cancelled)
            throw new DomainRuleException("session-cancelled");
        Status = SessionStatus.Cancelled;
        CancellationReason = reason.Trim();
        Version++;
    }
}
