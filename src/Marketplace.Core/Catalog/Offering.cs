using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Catalog;

public enum Category { Science, Arts, Sports, Reading, Labour, Clubs }

/// <summary>OnCampus = 请进来 (the provider comes to the school); OffCampus = 走出去 (pupils go to the venue).</summary>
public enum DeliveryMode { OnCampus, OffCampus, Both }

public enum OfferingStatus { Draft, PendingReview, Published, Paused, Archived, Rejected }

/// <summary>Where pupils go for an off-campus offering. <see cref="DistrictCode"/>: the district it lies in; when absent the venue
/// counts as being in the provider's home district.</summary>
public sealed record Venue(string Address, double Lat, double Lon, string? DistrictCode = null);

/// <summary>A district bureau's veto on an offering in its own district (the provider is approved there, the offering was
/// reviewed by the provider's home bureau): hidden from that district's schools, and nowhere else.</summary>
public sealed record OfferingBlock(string District, DateTimeOffset At, string By, string Reason);

/// <summary>One review decision in the offering's audit trail: who, when, and the bureau's note or reason.</summary>
public sealed record OfferingDecision(OfferingStatus Status, DateTimeOffset At, string By, string? Reason);

/// <summary>What a provider may set on an offering; never status, version or owner (mass-assignment guard).</summary>
public sealed record OfferingContent(
    string Title, string Summary, string Description, Category Category, DeliveryMode Mode, IReadOnlyList<int> Grades,
    int MinGroup, int MaxGroup, int DurationMinutes, long PriceFen, Venue? Venue, IReadOnlyList<string> Districts,
    IReadOnlyList<string> Tags, int CancellationCutoffHours)
{
    /// <summary>Bookings close this many hours before a session starts; null: the setting for the mode (issue 13).</summary>
    public int? MinLeadHours { get; init; }

    public bool ServesOnCampus => Mode is DeliveryMode.OnCampus or DeliveryMode.Both;
    public bool ServesOffCampus => Mode is DeliveryMode.OffCampus or DeliveryMode.Both;

    /// <summary>
    /// What schools rely on when they book, and what the bureau vetted it as: changing it sends a published offering
    /// back to review. Wording (title, summary, description, tags) stays live; the 学科类 check runs on every edit.
    /// </summary>
    public bool MateriallyDiffersFrom(OfferingContent other) =>
        PriceFen != other.PriceFen || Mode != other.Mode || Category != other.Category || !Grades.Order().SequenceEqual(other.Grades.Order())
        || Venue != other.Venue || !Districts.Order().SequenceEqual(other.Districts.Order());
}

public sealed class Offering : IAggregate
{
    [JsonConstructor]
    private Offering() { }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public Guid ProviderId { get; private set; }
    [JsonInclude] public OfferingContent Content { get; private set; } = null!;
    [JsonInclude] public OfferingStatus Status { get; private set; }
    [JsonInclude] public string? RejectionReason { get; private set; }
    [JsonInclude] public DateTimeOffset CreatedAt { get; private set; }
    [JsonInclude] public DateTimeOffset UpdatedAt { get; private set; }
    [JsonInclude] public IReadOnlyList<OfferingDecision> Decisions { get; private set; } = [];

    /// <summary>The districts whose bureau has blocked this offering there, at most one entry per district.</summary>
    [JsonInclude] public IReadOnlyList<OfferingBlock> Blocks { get; private set; } = [];

    public bool IsBlockedIn(string district) => Blocks.Any(b => b.District == district);

    /// <summary>A district's bureau blocks the offering there, whatever its status (a veto that waits for no one).</summary>
    public void Block(string district, string by, string reason, DateTimeOffset now)
    {
        if (IsBlockedIn(district)) throw new DomainRuleException("offering-already-blocked", district);
        Blocks = [.. Blocks, new OfferingBlock(district, now, by, reason.Trim())];
        Touch(now);
    }

    /// <summary>The district's bureau lifts its own block; another district's stays.</summary>
    public void Unblock(string district, DateTimeOffset now)
    {
        if (!IsBlockedIn(district)) throw new DomainRuleException("offering-not-blocked", district);
        Blocks = [.. Blocks.Where(b => b.District != district)];
        Touch(now);
    }

    public static Offering Create(Guid providerId, OfferingContent content, DateTimeOffset now) => new()
    {
        Id = Ids.New(), Version = 1, ProviderId = providerId, Content = content, Status = OfferingStatus.Draft,
        CreatedAt = now, UpdatedAt = now,
    };

    public bool IsBookable => Status == OfferingStatus.Published;

    /// <summary>Edits keep a published offering live unless they change what schools rely on.</summary>
    public void Edit(OfferingContent content, DateTimeOffset now)
    {
        if (Status == OfferingStatus.Archived)
            throw new DomainRuleException("offering-archived");
        if (Status is OfferingStatus.Published or OfferingStatus.Paused && content.MateriallyDiffersFrom(Content))
            Status = OfferingStatus.PendingReview;
        if (Status == OfferingStatus.Rejected) Status = OfferingStatus.Draft;
        Content = content;
        Touch(now);
    }

    public void Submit(DateTimeOffset now) => Move(OfferingStatus.PendingReview, now, OfferingStatus.Draft, OfferingStatus.Rejected);

    public void Approve(string by, string? note, DateTimeOffset now)
    {
        Move(OfferingStatus.Published, now, OfferingStatus.PendingReview);
        RejectionReason = null;
        Decided(by, string.IsNullOrWhiteSpace(note) ? null : note.Trim(), now);
    }

    public void Reject(string by, string reason, DateTimeOffset now)
    {
        Move(OfferingStatus.Rejected, now, OfferingStatus.PendingReview);
        RejectionReason = reason.Trim();
        Decided(by, RejectionReason, now);
    }

    public void Pause(DateTimeOffset now) => Move(OfferingStatus.Paused, now, OfferingStatus.Published);

    public void Resume(DateTimeOffset now) => Move(OfferingStatus.Published, now, OfferingStatus.Paused);

    public void Archive(DateTimeOffset now) =>
        Move(OfferingStatus.Archived, now, OfferingStatus.Draft, OfferingStatus.Published, OfferingStatus.Paused, OfferingStatus.Rejected, OfferingStatus.PendingReview);

    private void Move(OfferingStatus to, DateTimeOffset now, params OfferingStatus[] allowedFrom)
    {
        if (!allowedFrom.Contains(Status))
            throw new TransitionRefusedException("offering-transition", Status, to);
        Status = to;
        Touch(now);
    }

    private void Decided(string by, string? reason, DateTimeOffset now) => Decisions = [.. Decisions, new OfferingDecision(Status, now, by, reason)];

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }
}
