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

/// <summary>
/// The 学科类 screening of an offering's texts when it was last saved, kept while words were flagged (<see cref="SubjectScreening"/>):
/// the words for the bureau, and the provider's justification, required before it may be submitted.
/// </summary>
public sealed record ScreeningRecord(ScreeningTier Tier, IReadOnlyList<ScreeningMatch> Matches, string? Justification, DateTimeOffset ScreenedAt)
{
    /// <summary>The record to keep for a screening: null when nothing was flagged (refused texts never reach an offering).</summary>
    public static ScreeningRecord? Of(ScreeningResult result, string? justification, DateTimeOffset at) =>
        result.Tier == ScreeningTier.Flag ? new(result.Tier, result.Matches, string.IsNullOrWhiteSpace(justification) ? null : justification.Trim(), at) : null;

    public IReadOnlyList<string> Words => Matches.Select(m => m.Word).Distinct().Order(StringComparer.Ordinal).ToArray();
}

/// <summary>What a provider may set on an offering; never status, version or owner (mass-assignment guard).</summary>
public sealed record OfferingContent(
    string Title, string Summary, string Description, Category Category, DeliveryMode Mode, IReadOnlyList<int> Grades,
    int MinGroup, int MaxGroup, int DurationMinutes, long PriceFen, Venue? Venue, IReadOnlyList<string> Districts,
    IReadOnlyList<string> Tags, int CancellationCutoffHours)
{
    /// <summary>Bookings close this many hours before a session starts; null: the setting for the mode (issue 13).</summary>
    public int? MinLeadHours { get; init; }

    /// <summary>代收费 per pupil per session at cost (materials, tickets …); a school's quote carries those its district's policy allows.</summary>
    public IReadOnlyList<CollectedFee> CollectedFees { get; init; } = [];

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

    /// <summary>The flagged 学科类 words and the provider's justification, when the last save flagged any; null otherwise.</summary>
    [JsonInclude] public ScreeningRecord? Screening { get; private set; }

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

    public static Offering Create(Guid providerId, OfferingContent content, DateTimeOffset now, ScreeningRecord? screening = null) => new()
    {
        Id = Ids.New(), Version = 1, ProviderId = providerId, Content = content, Status = OfferingStatus.Draft,
        CreatedAt = now, UpdatedAt = now, Screening = screening,
    };

    public bool IsBookable => Status == OfferingStatus.Published;

    /// <summary>
    /// Edits keep a published offering live unless they change what schools rely on, or the 学科类 words flagged in it (new
    /// words the bureau has not seen: it judges them again; a justification reworded alone does not).
    /// </summary>
    public void Edit(OfferingContent content, DateTimeOffset now, ScreeningRecord? screening = null)
    {
        if (Status == OfferingStatus.Archived)
            throw new DomainRuleException("offering-archived");
        var flagsChanged = !(screening?.Words ?? []).SequenceEqual(Screening?.Words ?? []);
        var toReview = Status is OfferingStatus.Published or OfferingStatus.Paused && (content.MateriallyDiffersFrom(Content) || flagsChanged);
        // What goes (or stays) before the bureau needs the justification, as a submission does.
        if ((toReview || Status == OfferingStatus.PendingReview) && screening is { Tier: ScreeningTier.Flag, Justification: null })
            throw ValidationFailedException.For("screeningJustification", "offering.screening-justification-required", (object)screening.Words.ToArray());
        if (toReview) Status = OfferingStatus.PendingReview;
        if (Status == OfferingStatus.Rejected) Status = OfferingStatus.Draft;
        Content = content;
        Screening = screening;
        Touch(now);
    }

    /// <summary>A flagged offering goes to review only with the provider's justification of the flagged words.</summary>
    public void Submit(DateTimeOffset now)
    {
        if (Screening is { Tier: ScreeningTier.Flag, Justification: null } && Status is OfferingStatus.Draft or OfferingStatus.Rejected)
            throw ValidationFailedException.For("screeningJustification", "offering.screening-justification-required", (object)Screening.Words.ToArray());
        Move(OfferingStatus.PendingReview, now, OfferingStatus.Draft, OfferingStatus.Rejected);
    }

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
