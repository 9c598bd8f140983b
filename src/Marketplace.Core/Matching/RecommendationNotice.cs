using System.Text.Json.Serialization;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Matching;

/// <summary>
/// One recommendation as the bureau sent it: the facts its reasons are written from (<see cref="RecommendationReasons"/>), kept
/// as they were on the day, so the school reads what the bureau saw — free seats and price may have moved since.
/// </summary>
public sealed record SentRecommendation(
    Guid OfferingId, string Title, string ProviderName, Category Category, Category Gap, DeliveryMode Mode, bool ComesToYou, double? DistanceKm,
    Guid SessionId, DateTimeOffset SessionStartsAt, DateTimeOffset SessionEndsAt, int FreeSeats, int Pupils, long FamilySharePerPupilFen,
    long TotalFen, bool WithinBudget, int DeliveredBookings)
{
    public static SentRecommendation Of(Recommendation r) => new(r.OfferingId, r.Title, r.ProviderName, r.Category, r.Gap, r.Mode, r.ComesToYou,
        r.DistanceKm, r.SessionId, r.SessionStartsAt, r.SessionEndsAt, r.FreeSeats, r.Pupils, r.FamilySharePerPupilFen, r.TotalFen, r.WithinBudget,
        r.DeliveredBookings);
}

/// <summary>
/// 推荐清单: the district bureau's list of recommended programmes sent to one under-served school for a semester (issue 16), with
/// why the school was on the list (its plan's uncovered categories, low participation). The school reads the notices it was sent,
/// newest first, and marks one read; each send is a new notice, so the history of what the bureau advised stays.
/// </summary>
public sealed class RecommendationNotice : IAggregate
{
    [JsonConstructor]
    private RecommendationNotice() { }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public Guid SchoolId { get; private set; }
    [JsonInclude] public string DistrictCode { get; private set; } = "";
    [JsonInclude] public string Semester { get; private set; } = "";
    [JsonInclude] public DateTimeOffset SentAt { get; private set; }

    /// <summary>The sending officer (<see cref="Caller.AuditName"/>) and their bureau.</summary>
    [JsonInclude] public string SentBy { get; private set; } = "";
    [JsonInclude] public Guid BureauId { get; private set; }
    [JsonInclude] public string BureauName { get; private set; } = "";
    [JsonInclude] public IReadOnlyList<Category> Gaps { get; private set; } = [];
    [JsonInclude] public bool LowParticipation { get; private set; }
    [JsonInclude] public long RemainingFen { get; private set; }
    [JsonInclude] public IReadOnlyList<SentRecommendation> Items { get; private set; } = [];
    [JsonInclude] public DateTimeOffset? ReadAt { get; private set; }

    public static RecommendationNotice Send(SchoolStanding school, string semester, Caller bureau, string bureauName, DateTimeOffset now) => new()
    {
        Id = Ids.New(), Version = 1, SchoolId = school.SchoolId, DistrictCode = school.DistrictCode, Semester = semester, SentAt = now,
        SentBy = bureau.AuditName, BureauId = bureau.OrganizationId, BureauName = bureauName, Gaps = school.Gaps, LowParticipation = school.LowParticipation,
        RemainingFen = school.RemainingFen, Items = school.Recommendations.Select(SentRecommendation.Of).ToArray(),
    };

    /// <summary>The school has seen it; false (nothing changes) when it already had.</summary>
    public bool MarkRead(DateTimeOffset now)
    {
        if (ReadAt is not null) return false;
        ReadAt = now;
        Version++;
        return true;
    }
}

public sealed record RecommendationsSentData(Guid NoticeId, Guid SchoolId, string Semester, int Items);

public static class MatchingEvents
{
    /// <summary>To the school it was sent to and the district's bureaus.</summary>
    public static OutboxMessage Sent(RecommendationNotice n) =>
        OutboxMessage.Create(EventTypes.RecommendationsSent, n.SentAt, [Audience.Organization(n.SchoolId), Audience.District(n.DistrictCode)],
            new RecommendationsSentData(n.Id, n.SchoolId, n.Semester, n.Items.Count));
}
