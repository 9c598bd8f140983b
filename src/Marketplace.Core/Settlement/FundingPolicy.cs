using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Marketplace.Core.Catalog;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Settlement;

/// <summary>The unit a district states an amount in: per pupil per 课时, per pupil per month, per pupil per semester.</summary>
public enum FeeUnit { PerLesson, PerMonth, PerSemester }

/// <summary>A 代收费 kind the policy allows, at most <see cref="MaxFen"/> per pupil per session; waived for 家庭经济困难 pupils when <see cref="WaivedForHardship"/>.</summary>
public sealed record CollectedFeeRule(CollectedFeeKind Kind, long MaxFen, bool WaivedForHardship = false);

/// <summary>
/// A district's funding policy for one semester, as its bureau states it (DOMAIN.md "Money"). Amounts in fen per pupil.
/// <see cref="SubsidyFen"/> per <see cref="SubsidyUnit"/>: the fiscal subsidy (财政补贴). <see cref="FamilyCapFen"/> per
/// <see cref="FamilyCapUnit"/>: the most a family pays as service fee (服务性收费), with <see cref="FamilyCapJuniorFen"/> for
/// junior-secondary pupils where the district sets a different one; null: no cap. <see cref="ProviderPriceCapFen"/>: the most an
/// outside provider may charge per pupil per 课时; null: no cap. <see cref="UncreditedAbsences"/>: absent pupils per session the
/// fund does not credit back (0: every absence is credited, 多退少补). <see cref="DisputeDays"/>: days a school has to confirm or
/// dispute a recorded delivery; silence confirms. 家庭经济困难 pupils always pay no service fee (the school fund covers it).
/// <see cref="FamilyCapRuralFen"/> and <see cref="FamilyCapRuralJuniorFen"/>: the caps for schools the roster records as rural
/// (农村), where the district sets different ones (same unit); see <see cref="FamilyCapFor"/>. <see cref="RefundRule"/>: how a
/// family's fee comes back after absences or a withdrawal (issue 18); null: <see cref="RefundRule.PerDay"/>, the
/// default (<see cref="RefundRuleOrDefault"/>).
/// </summary>
public sealed record FundingTerms(
    long SubsidyFen, FeeUnit SubsidyUnit, long? FamilyCapFen, long? FamilyCapJuniorFen, FeeUnit FamilyCapUnit, long? ProviderPriceCapFen,
    IReadOnlyList<CollectedFeeRule> CollectedFees, int UncreditedAbsences = 0, int DisputeDays = 7,
    long? FamilyCapRuralFen = null, long? FamilyCapRuralJuniorFen = null, RefundRule? RefundRule = null)
{
    /// <summary>The district's refund rule, per day where it states none (DOMAIN.md: absences refunded in daily or half-month steps).</summary>
    public RefundRule RefundRuleOrDefault => RefundRule ?? RefundRule.PerDay;

    public const long MaxAmountFen = 10_000_000; // ¥100,000 per pupil: far above any real policy, far below overflow
    public const int MaxDisputeDays = 60;

    public CollectedFeeRule? Allowed(CollectedFeeKind kind) => CollectedFees.FirstOrDefault(r => r.Kind == kind);

    /// <summary>
    /// The family cap for pupils of this stage at a school of this area, or null when the district sets none. A rural school's
    /// pupils: the rural junior cap (junior pupils), else the rural cap, where the district sets them; everyone else — urban
    /// schools, and schools whose area the roster does not record — the junior cap (junior pupils), else the cap.
    /// </summary>
    public long? FamilyCapFor(LessonStage stage, SchoolArea? area = null)
    {
        var urban = stage == LessonStage.Junior ? FamilyCapJuniorFen ?? FamilyCapFen : FamilyCapFen;
        if (area != SchoolArea.Rural) return urban;
        return (stage == LessonStage.Junior ? FamilyCapRuralJuniorFen ?? FamilyCapRuralFen : FamilyCapRuralFen) ?? urban;
    }

    /// <summary>The highest family cap any school's pupils of this stage have (urban or rural): what an offering's price is checked against.</summary>
    public long? WidestFamilyCapFor(LessonStage stage) =>
        FamilyCapFor(stage) is { } urban ? Math.Max(urban, FamilyCapFor(stage, SchoolArea.Rural) ?? urban) : null;
}

/// <summary>Which lesson length a session is counted in: 40 minutes (primary) or 45 (junior secondary).</summary>
public enum LessonStage { Primary, Junior }

/// <summary>One version of a policy: its terms, from when they apply, who set them.</summary>
public sealed record PolicyRevision(int Number, DateTimeOffset EffectiveFrom, FundingTerms Terms, DateTimeOffset SetAt, string SetBy);

/// <summary>
/// The funding policy of one district for one semester (<see cref="Semester"/>, e.g. 2026-2027-1), kept with every revision:
/// a new revision applies from its <see cref="PolicyRevision.EffectiveFrom"/>, quotes already fixed keep theirs. One document per
/// (district, semester), its id derived from both, so two bureaus' officers writing at once conflict instead of forking it.
/// There is no national default: a district without a policy has none (<see cref="InForce"/> null).
/// </summary>
public sealed class FundingPolicy : IAggregate
{
    [JsonConstructor]
    private FundingPolicy() { }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public string DistrictCode { get; private set; } = "";
    [JsonInclude] public string Semester { get; private set; } = "";
    [JsonInclude] public IReadOnlyList<PolicyRevision> Revisions { get; private set; } = [];

    public PolicyRevision Current => Revisions[^1];

    /// <summary>The revision applying at <paramref name="at"/>: the newest whose start is not after it (null before the first).</summary>
    public PolicyRevision? InForce(DateTimeOffset at) => Revisions.LastOrDefault(r => r.EffectiveFrom <= at);

    public static Guid IdOf(string districtCode, string semester)
    {
        // A name-based id (RFC 9562 v8 layout from SHA-256): the same (district, semester) always names the same document.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"funding-policy:{districtCode}:{semester}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    public static FundingPolicy Create(string districtCode, Semester semester, FundingTerms terms, DateTimeOffset effectiveFrom, DateTimeOffset now, string by) => new()
    {
        Id = IdOf(districtCode, semester.Name), Version = 1, DistrictCode = districtCode, Semester = semester.Name,
        Revisions = [new PolicyRevision(1, effectiveFrom, terms, now, by)],
    };

    /// <summary>Adds a revision; it may not start before the current one (history is not rewritten).</summary>
    public void Revise(FundingTerms terms, DateTimeOffset effectiveFrom, DateTimeOffset now, string by)
    {
        if (effectiveFrom < Current.EffectiveFrom)
            throw ValidationFailedException.For("effectiveFrom", "policy.effective-before-current", Current.EffectiveFrom);
        Revisions = [.. Revisions, new PolicyRevision(Current.Number + 1, effectiveFrom, terms, now, by)];
        Version++;
    }
}
