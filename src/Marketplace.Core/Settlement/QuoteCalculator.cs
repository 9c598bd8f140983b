using Marketplace.Core.Catalog;
using Marketplace.Core.Schools;

namespace Marketplace.Core.Settlement;

/// <summary>
/// The money model of DOMAIN.md ("Money — the product's model"), in integer fen. For n pupils of whom h are 家庭经济困难 at price
/// P per pupil per session of k 课时 under terms with subsidy S and family cap F:
/// lesson fee = n·P; subsidy per pupil s = min(P, ⌊S·k⌋) (per-lesson units; per-month and per-semester allowances are passed in
/// as what is left of them); family share f = P − s, at most F·k; family fees = (n − h)·f; waived = h·f (+ the collected fees
/// the policy waives for them); collected fees = what families pay of the allowed 代收费. Always:
/// total = lesson fee + collected = subsidy + family fees + waived + collected.
/// </summary>
public static class QuoteCalculator
{
    /// <summary>
    /// 课时 of a session, in halves: its minutes ÷ the lesson length (40 primary, 45 junior), rounded to the nearest half
    /// (halves away from zero), at least one half.
    /// </summary>
    public static int LessonHalves(int minutes, LessonStage stage)
    {
        var length = stage == LessonStage.Junior ? 45 : 40;
        return Math.Max(1, (int)Math.Round(minutes * 2.0 / length, MidpointRounding.AwayFromZero));
    }

    /// <summary>Junior when every booked grade is 7–9, primary otherwise (a mixed group counts the shorter primary lesson).</summary>
    public static LessonStage StageOf(IEnumerable<int> grades) => grades.All(g => g >= 7) ? LessonStage.Junior : LessonStage.Primary;

    /// <summary>An amount stated per 课时, for <paramref name="halves"/> half-课时, rounded down to the fen.</summary>
    public static long PerLessons(long perLessonFen, int halves) => perLessonFen * halves / 2;

    /// <summary>
    /// The quote for one session. <paramref name="terms"/> null: the district has no policy — no subsidy, no cap, no 代收费
    /// allowed; families (and the fund for hardship pupils) carry the price. <paramref name="allowanceLeftFen"/>: for a subsidy
    /// per month or semester, what is left of it per pupil for this group (the caller runs it down across a series); ignored for
    /// per-lesson subsidies. <paramref name="familyPaidSoFarFen"/>: for a family cap per month or semester, what each pupil of this
    /// group already pays in that period; the cap check is refused with <see cref="FamilyCapExceededException"/>.
    /// <paramref name="area"/>: the school's 城乡, for the rural family caps (<see cref="FundingTerms.FamilyCapFor"/>).
    /// </summary>
    public static Quote Compute(
        long unitPriceFen, int pupils, int hardship, int minutes, LessonStage stage, IReadOnlyList<CollectedFee> collected,
        FundingTerms? terms, PolicyRef? policy, long? allowanceLeftFen = null, long familyPaidSoFarFen = 0, SchoolArea? area = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(unitPriceFen);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pupils);
        ArgumentOutOfRangeException.ThrowIfNegative(hardship);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hardship, pupils);
        var halves = LessonHalves(minutes, stage);
        long subsidyPerPupil = 0;
        if (terms is not null)
        {
            var allowance = terms.SubsidyUnit == FeeUnit.PerLesson ? PerLessons(terms.SubsidyFen, halves) : Math.Max(0, allowanceLeftFen ?? terms.SubsidyFen);
            subsidyPerPupil = Math.Min(unitPriceFen, allowance);
        }
        var familyShare = unitPriceFen - subsidyPerPupil;
        if (terms?.FamilyCapFor(stage, area) is { } cap)
        {
            var limit = terms.FamilyCapUnit == FeeUnit.PerLesson ? PerLessons(cap, halves) : cap - familyPaidSoFarFen;
            if (familyShare > limit) throw new FamilyCapExceededException(familyShare, cap, terms.FamilyCapUnit, Math.Max(0, limit));
        }

        var items = new List<QuoteLine>();
        long collectedPaid = 0, collectedWaived = 0;
        foreach (var fee in collected)
        {
            var rule = terms?.Allowed(fee.Kind);
            if (rule is null) continue; // not allowed in this district: not collected
            var amount = Math.Min(fee.AmountFen, rule.MaxFen);
            var waivedPupils = rule.WaivedForHardship ? hardship : 0;
            items.Add(new QuoteLine(fee.Kind, amount));
            collectedPaid += checked((pupils - waivedPupils) * amount);
            collectedWaived += checked(waivedPupils * amount);
        }

        var lessonFee = checked(unitPriceFen * pupils);
        var quote = new Quote(unitPriceFen, checked(lessonFee + collectedPaid + collectedWaived))
        {
            LessonHalves = halves, Hardship = hardship, LessonFeeFen = lessonFee, SubsidyPerPupilFen = subsidyPerPupil, FamilySharePerPupilFen = familyShare,
            SubsidyFen = checked(subsidyPerPupil * pupils), FamilyFeeFen = checked((pupils - hardship) * familyShare),
            WaivedFen = checked(hardship * familyShare + collectedWaived), CollectedFeesFen = collectedPaid, CollectedItems = items, Policy = policy,
            UncreditedAbsences = terms?.UncreditedAbsences ?? 0, DisputeDays = terms?.DisputeDays ?? 7,
        };
        return quote;
    }
}

/// <summary>The policy revision a quote was computed from; null on a quote made where the district had no policy.</summary>
public sealed record PolicyRef(Guid PolicyId, string Semester, int Revision);

/// <summary>A 代收费 item of a quote: its kind and the amount per pupil per session.</summary>
public sealed record QuoteLine(CollectedFeeKind Kind, long AmountFen);

/// <summary>The family's share per pupil is above the district's cap (per 课时 for this session, or what is left of a monthly or semester cap).</summary>
public sealed class FamilyCapExceededException(long shareFen, long capFen, FeeUnit unit, long limitFen)
    : Shared.DomainRuleException("family-cap-exceeded", Money.Yuan(shareFen), Money.Yuan(capFen), unit, Money.Yuan(limitFen))
{
    public long ShareFen { get; } = shareFen;
    public long CapFen { get; } = capFen;

    public override IReadOnlyDictionary<string, object?> Extensions =>
        new Dictionary<string, object?> { ["familyShareFen"] = ShareFen, ["capFen"] = CapFen, ["capUnit"] = unit.ToString(), ["limitFen"] = limitFen };
}

/// <summary>Fen shown as yuan with two decimals ("12.50"), for messages; screens format with UiFormat.Money.</summary>
public static class Money
{
    public static string Yuan(long fen) => (fen / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}
