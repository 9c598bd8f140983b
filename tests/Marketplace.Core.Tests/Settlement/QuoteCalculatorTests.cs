using Marketplace.Core.Catalog;
using Marketplace.Core.Schools;
using Marketplace.Core.Settlement;

namespace Marketplace.Core.Tests.Settlement;

/// <summary>QuoteCalculator: 课时 counting, stage, the subsidy/family split under a cap in each unit, 代收费 and the hardship waiver.</summary>
public class QuoteCalculatorTests
{
    private static FundingTerms PerLesson(long subsidy = 300, long? cap = 350, long? juniorCap = null, params CollectedFeeRule[] fees) =>
        new(subsidy, FeeUnit.PerLesson, cap, juniorCap, FeeUnit.PerLesson, null, fees);

    private static void AssertAddsUp(Quote q) => Assert.Equal(q.TotalFen, q.SubsidyFen + q.FamilyFeeFen + q.WaivedFen + q.CollectedFeesFen);

    [Theory]
    [InlineData(60, LessonStage.Primary, 3)]  // 1.5 课时
    [InlineData(90, LessonStage.Junior, 4)]   // 2 课时
    [InlineData(20, LessonStage.Primary, 1)]  // 0.5 课时
    [InlineData(40, LessonStage.Primary, 2)]
    [InlineData(45, LessonStage.Junior, 2)]
    [InlineData(80, LessonStage.Primary, 4)]
    [InlineData(80, LessonStage.Junior, 4)]   // 1.78 → 2 课时
    [InlineData(100, LessonStage.Junior, 4)]  // 2.22 → 2 课时
    [InlineData(120, LessonStage.Junior, 5)]  // 2.67 → 2.5 课时
    [InlineData(50, LessonStage.Primary, 3)]  // 1.25: a tie between 1 and 1.5, away from zero
    [InlineData(30, LessonStage.Primary, 2)]  // 0.75: a tie between 0.5 and 1, away from zero
    [InlineData(10, LessonStage.Primary, 1)]
    [InlineData(5, LessonStage.Primary, 1)]   // very short: at least half a 课时
    [InlineData(1, LessonStage.Junior, 1)]
    public void Lesson_halves_round_to_the_nearest_half_of_the_stage_lesson(int minutes, LessonStage stage, int halves) =>
        Assert.Equal(halves, QuoteCalculator.LessonHalves(minutes, stage));

    [Theory]
    [InlineData(new[] { 7, 8, 9 }, LessonStage.Junior)]
    [InlineData(new[] { 9 }, LessonStage.Junior)]
    [InlineData(new[] { 6, 7 }, LessonStage.Primary)]
    [InlineData(new[] { 1, 2 }, LessonStage.Primary)]
    public void The_stage_is_junior_only_when_every_grade_is_7_or_above(int[] grades, LessonStage stage) =>
        Assert.Equal(stage, QuoteCalculator.StageOf(grades));

    [Fact]
    public void The_lesson_length_of_the_stage_scales_the_per_lesson_amounts()
    {
        // 90 minutes: 2 课时 for junior pupils (45 min), 2 (2.25 → 2) for primary — 135 minutes: 3 junior, 3.5 primary.
        var junior = QuoteCalculator.Compute(2000, 10, 0, 135, LessonStage.Junior, [], PerLesson(subsidy: 300, cap: null), null);
        var primary = QuoteCalculator.Compute(2000, 10, 0, 135, LessonStage.Primary, [], PerLesson(subsidy: 300, cap: null), null);

        Assert.Equal(6, junior.LessonHalves);
        Assert.Equal(900, junior.SubsidyPerPupilFen);
        Assert.Equal(7, primary.LessonHalves);
        Assert.Equal(1050, primary.SubsidyPerPupilFen);
    }

    [Fact]
    public void A_per_lesson_amount_over_half_课时_rounds_down_to_the_fen()
    {
        var q = QuoteCalculator.Compute(2000, 3, 0, 60, LessonStage.Primary, [], PerLesson(subsidy: 333, cap: null), null);

        Assert.Equal(499, q.SubsidyPerPupilFen); // 333 × 1.5 = 499.5 → 499
        Assert.Equal(1501, q.FamilySharePerPupilFen);
        AssertAddsUp(q);
    }

    [Fact]
    public void The_junior_cap_applies_to_junior_groups_and_the_general_cap_to_primary_ones()
    {
        var terms = PerLesson(subsidy: 0, cap: 350, juniorCap: 400);

        var junior = QuoteCalculator.Compute(800, 10, 0, 90, LessonStage.Junior, [], terms, null); // 800 ≤ 400 × 2
        Assert.Equal(800, junior.FamilySharePerPupilFen);

        // The same 800 for a primary group of 2 课时 (80 min) is above 350 × 2.
        var refused = Assert.Throws<FamilyCapExceededException>(() => QuoteCalculator.Compute(800, 10, 0, 80, LessonStage.Primary, [], terms, null));
        Assert.Equal(350, refused.CapFen);
    }

    [Theory]
    // stage, area, cap, junior, rural, rural junior → the cap that applies
    [InlineData(LessonStage.Primary, null, 350L, 400L, 250L, 300L, 350L)]             // area not recorded: the urban caps
    [InlineData(LessonStage.Junior, null, 350L, 400L, 250L, 300L, 400L)]
    [InlineData(LessonStage.Primary, SchoolArea.Urban, 350L, 400L, 250L, 300L, 350L)]
    [InlineData(LessonStage.Junior, SchoolArea.Urban, 350L, 400L, 250L, 300L, 400L)]
    [InlineData(LessonStage.Primary, SchoolArea.Rural, 350L, 400L, 250L, 300L, 250L)]
    [InlineData(LessonStage.Junior, SchoolArea.Rural, 350L, 400L, 250L, 300L, 300L)]
    [InlineData(LessonStage.Junior, SchoolArea.Rural, 350L, 400L, 250L, null, 250L)]  // no rural junior cap: the rural one
    [InlineData(LessonStage.Junior, SchoolArea.Rural, 350L, 400L, null, null, 400L)]  // no rural caps at all: the urban ones
    [InlineData(LessonStage.Primary, SchoolArea.Rural, 350L, null, null, 200L, 350L)] // a rural junior cap only binds junior pupils
    [InlineData(LessonStage.Primary, SchoolArea.Rural, null, null, null, null, null)]
    public void The_family_cap_follows_the_stage_and_the_schools_area(LessonStage stage, SchoolArea? area, long? cap, long? junior, long? rural,
        long? ruralJunior, long? expected)
    {
        var terms = new FundingTerms(0, FeeUnit.PerLesson, cap, junior, FeeUnit.PerLesson, null, [], FamilyCapRuralFen: rural, FamilyCapRuralJuniorFen: ruralJunior);

        Assert.Equal(expected, terms.FamilyCapFor(stage, area));
    }

    [Fact]
    public void A_rural_schools_group_is_held_to_the_rural_cap_and_an_urban_one_to_the_urban_cap()
    {
        var terms = new FundingTerms(0, FeeUnit.PerLesson, 350, null, FeeUnit.PerLesson, null, [], FamilyCapRuralFen: 250);

        var urban = QuoteCalculator.Compute(600, 10, 0, 80, LessonStage.Primary, [], terms, null, area: SchoolArea.Urban); // 600 ≤ 350 × 2
        Assert.Equal(600, urban.FamilySharePerPupilFen);
        var refused = Assert.Throws<FamilyCapExceededException>(() =>
            QuoteCalculator.Compute(600, 10, 0, 80, LessonStage.Primary, [], terms, null, area: SchoolArea.Rural)); // 600 > 250 × 2
        Assert.Equal(250, refused.CapFen);
        Assert.Equal(500, QuoteCalculator.Compute(500, 10, 0, 80, LessonStage.Primary, [], terms, null, area: SchoolArea.Rural).FamilySharePerPupilFen);
        Assert.Equal(350, terms.WidestFamilyCapFor(LessonStage.Primary)); // an offering is checked against the higher one
        Assert.Equal(450, (terms with { FamilyCapRuralFen = 450 }).WidestFamilyCapFor(LessonStage.Primary));
        Assert.Null((terms with { FamilyCapFen = null, FamilyCapRuralFen = null }).WidestFamilyCapFor(LessonStage.Primary));
    }

    [Fact]
    public void Without_a_policy_there_is_no_subsidy_the_families_carry_the_price_and_nothing_is_collected()
    {
        var q = QuoteCalculator.Compute(5000, 20, 3, 80, LessonStage.Primary,
            [new CollectedFee(CollectedFeeKind.Insurance, 100), new CollectedFee(CollectedFeeKind.Materials, 800)], terms: null, policy: null);

        Assert.Equal(0, q.SubsidyFen);
        Assert.Equal(0, q.SubsidyPerPupilFen);
        Assert.Equal(5000, q.FamilySharePerPupilFen); // no cap to apply: ¥50 is not refused
        Assert.Equal(17 * 5000, q.FamilyFeeFen);
        Assert.Equal(3 * 5000, q.WaivedFen);           // hardship pupils still pay nothing: the fund carries them
        Assert.Equal(0, q.CollectedFeesFen);
        Assert.Empty(q.CollectedItems);
        Assert.Equal(20 * 5000, q.TotalFen);
        Assert.Null(q.Policy);
        Assert.Equal(0, q.UncreditedAbsences);
        Assert.Equal(7, q.DisputeDays);
        AssertAddsUp(q);
    }

    [Fact]
    public void A_family_share_above_the_per_lesson_cap_is_refused_naming_the_cap()
    {
        // S ¥3, F ¥3.50 per 课时, 2 课时: the subsidy covers 600, the family would pay 1,500 − 600 = 900 > 700.
        var e = Assert.Throws<FamilyCapExceededException>(() =>
            QuoteCalculator.Compute(1500, 30, 0, 80, LessonStage.Primary, [], PerLesson(), null));

        Assert.Equal("family-cap-exceeded", e.Code);
        Assert.Equal(900, e.ShareFen);
        Assert.Equal(350, e.CapFen);
        Assert.Equal(["9.00", "3.50", FeeUnit.PerLesson, "7.00"], e.Detail.Args);
        Assert.Equal(350L, e.Extensions["capFen"]);
        Assert.Equal(700L, e.Extensions["limitFen"]);
        Assert.Equal("PerLesson", e.Extensions["capUnit"]);
    }

    [Fact]
    public void A_family_share_exactly_at_the_cap_is_accepted()
    {
        var q = QuoteCalculator.Compute(1300, 30, 0, 80, LessonStage.Primary, [], PerLesson(), null);

        Assert.Equal(700, q.FamilySharePerPupilFen);
        AssertAddsUp(q);
    }

    [Theory]
    [InlineData(FeeUnit.PerMonth)]
    [InlineData(FeeUnit.PerSemester)]
    public void A_period_cap_counts_what_each_pupil_already_pays_in_that_period(FeeUnit unit)
    {
        // 武汉-style ¥130 per month (or a semester cap of the same size): no subsidy, a ¥6 session.
        var terms = new FundingTerms(0, FeeUnit.PerLesson, 13_000, null, unit, null, []);

        var fits = QuoteCalculator.Compute(600, 25, 0, 80, LessonStage.Primary, [], terms, null, familyPaidSoFarFen: 12_400);
        Assert.Equal(600, fits.FamilySharePerPupilFen);

        var e = Assert.Throws<FamilyCapExceededException>(() =>
            QuoteCalculator.Compute(600, 25, 0, 80, LessonStage.Primary, [], terms, null, familyPaidSoFarFen: 12_500));
        Assert.Equal(13_000, e.CapFen);
        Assert.Equal(500L, e.Extensions["limitFen"]);
        Assert.Equal(unit.ToString(), e.Extensions["capUnit"]);

        // Already above the cap: the limit shown is 0, never negative.
        var over = Assert.Throws<FamilyCapExceededException>(() =>
            QuoteCalculator.Compute(600, 25, 0, 80, LessonStage.Primary, [], terms, null, familyPaidSoFarFen: 14_000));
        Assert.Equal(0L, over.Extensions["limitFen"]);
    }

    [Fact]
    public void A_period_cap_does_not_scale_with_the_session_length()
    {
        var terms = new FundingTerms(0, FeeUnit.PerLesson, 13_000, null, FeeUnit.PerMonth, null, []);

        // 20 minutes (half a 课时) at ¥100: far above any per-课时 reading of 13,000, within the month's ¥130 for a first session.
        var q = QuoteCalculator.Compute(10_000, 5, 0, 20, LessonStage.Primary, [], terms, null);
        Assert.Equal(10_000, q.FamilySharePerPupilFen);
    }

    [Fact]
    public void A_per_month_subsidy_is_what_is_left_of_the_allowance_never_more_than_the_price()
    {
        var terms = new FundingTerms(2_000, FeeUnit.PerMonth, null, null, FeeUnit.PerMonth, null, []);

        var first = QuoteCalculator.Compute(1_200, 10, 0, 80, LessonStage.Primary, [], terms, null);             // whole allowance left
        Assert.Equal(1_200, first.SubsidyPerPupilFen);
        var second = QuoteCalculator.Compute(1_200, 10, 0, 80, LessonStage.Primary, [], terms, null, allowanceLeftFen: 800);
        Assert.Equal(800, second.SubsidyPerPupilFen);
        Assert.Equal(400, second.FamilySharePerPupilFen);
        var spent = QuoteCalculator.Compute(1_200, 10, 0, 80, LessonStage.Primary, [], terms, null, allowanceLeftFen: 0);
        Assert.Equal(0, spent.SubsidyFen);
        var overspent = QuoteCalculator.Compute(1_200, 10, 0, 80, LessonStage.Primary, [], terms, null, allowanceLeftFen: -300);
        Assert.Equal(0, overspent.SubsidyFen);
        Assert.Equal(1_200, overspent.FamilySharePerPupilFen);
        foreach (var q in new[] { first, second, spent, overspent }) AssertAddsUp(q);
    }

    [Fact]
    public void A_per_lesson_subsidy_ignores_an_allowance_left()
    {
        var q = QuoteCalculator.Compute(1_200, 10, 0, 80, LessonStage.Primary, [], PerLesson(cap: null), null, allowanceLeftFen: 50);

        Assert.Equal(600, q.SubsidyPerPupilFen);
    }

    [Fact]
    public void A_collected_fee_above_the_policy_max_is_collected_at_the_max_and_a_kind_not_allowed_is_not_collected()
    {
        var terms = PerLesson(fees: [new CollectedFeeRule(CollectedFeeKind.Materials, 500), new CollectedFeeRule(CollectedFeeKind.Insurance, 100)]);

        var q = QuoteCalculator.Compute(1_200, 20, 0, 80, LessonStage.Primary,
            [new CollectedFee(CollectedFeeKind.Materials, 800), new CollectedFee(CollectedFeeKind.Insurance, 60), new CollectedFee(CollectedFeeKind.Meals, 1_500)],
            terms, null);

        Assert.Equal([new QuoteLine(CollectedFeeKind.Materials, 500), new QuoteLine(CollectedFeeKind.Insurance, 60)], q.CollectedItems);
        Assert.Equal(20 * 560, q.CollectedFeesFen);
        Assert.Equal(20 * 1_200 + 20 * 560, q.TotalFen);
        AssertAddsUp(q);
    }

    [Fact]
    public void A_collected_fee_waived_for_hardship_is_carried_by_the_fund_for_those_pupils()
    {
        var terms = PerLesson(fees: [new CollectedFeeRule(CollectedFeeKind.Insurance, 100, WaivedForHardship: true), new CollectedFeeRule(CollectedFeeKind.Tickets, 2_000)]);

        var q = QuoteCalculator.Compute(1_200, 30, 2, 80, LessonStage.Primary,
            [new CollectedFee(CollectedFeeKind.Insurance, 100), new CollectedFee(CollectedFeeKind.Tickets, 1_500)], terms, null);

        Assert.Equal(28 * 100 + 30 * 1_500, q.CollectedFeesFen); // hardship families still pay the tickets (not waived)
        Assert.Equal(2 * 600 + 2 * 100, q.WaivedFen);
        Assert.Equal(36_000 + 30 * 1_600, q.TotalFen);
        Assert.Equal(36_000, q.LessonFeeFen); // not total − what families pay as 代收费: the waived insurance is 代收费 too
        AssertAddsUp(q);
    }

    [Fact]
    public void The_quote_keeps_the_policy_rules_it_settles_by()
    {
        var terms = PerLesson() with { UncreditedAbsences = 2, DisputeDays = 3 };
        var policy = new PolicyRef(Guid.NewGuid(), "2026-2027-1", 4);

        var q = QuoteCalculator.Compute(1_200, 30, 0, 80, LessonStage.Primary, [], terms, policy);

        Assert.Equal(2, q.UncreditedAbsences);
        Assert.Equal(3, q.DisputeDays);
        Assert.Equal(policy, q.Policy);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(10, 11)]
    [InlineData(10, -1)]
    public void Pupils_and_hardship_out_of_range_are_refused(int pupils, int hardship) =>
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => QuoteCalculator.Compute(1_200, pupils, hardship, 80, LessonStage.Primary, [], PerLesson(), null));
}
