using CsCheck;
using Marketplace.Core.Families.Billing;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Tests.Families.Billing;

/// <summary>The districts' refund rules (DOMAIN.md "Families": 武汉 per day, 海口 per half month or month, 南京 50% within 3 months), worked by hand.</summary>
public class RefundCalculatorTests
{
    private static DateOnly D(int month, int day) => new(month >= 9 ? 2026 : 2027, month, day);

    /// <summary>Monday–Friday between two dates (no holidays: the caller's sessions decide the days).</summary>
    private static List<DateOnly> Weekdays(DateOnly from, DateOnly to) =>
        [.. Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(from.AddDays).Where(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))];

    // September 2026: 22 weekdays, 11 in each half (1–15: 1–4, 7–11, 14–15; 16–30: 16–18, 21–25, 28–30).
    private static readonly BillingTerm September = new(D(9, 1), Weekdays(D(9, 1), D(9, 30)));

    [Fact]
    public void Wuhan_per_day_refunds_each_absent_day_and_every_day_after_withdrawal()
    {
        // ¥132 for the month's 22 days: 600 fen a day.
        Assert.Equal(22, September.ServiceDays.Count);
        var absent = RefundCalculator.Compute(RefundRule.PerDay, 13_200, September, null, [D(9, 8), D(9, 9)]);
        Assert.Equal((1_200, 12_000), (absent.RefundFen, absent.KeptFen));
        Assert.Equal([new RefundLine(D(9, 8), D(9, 8), 1, 600, RefundCause.Absence), new RefundLine(D(9, 9), D(9, 9), 1, 600, RefundCause.Absence)], absent.Lines);

        // Withdrawn from 24 September: 24, 25, 28, 29, 30 = 5 days = 3,000; with the two absences 4,200.
        var both = RefundCalculator.Compute(RefundRule.PerDay, 13_200, September, D(9, 24), [D(9, 8), D(9, 9), D(9, 25)]);
        Assert.Equal(4_200, both.RefundFen);
        Assert.Equal(new RefundLine(D(9, 24), D(9, 30), 5, 3_000, RefundCause.Withdrawal), both.Lines[^1]); // the absence on the 25th is not paid twice
    }

    [Fact]
    public void Odd_fen_fall_on_later_days_and_the_days_add_up_to_the_fee()
    {
        // ¥100.00 over 3 days: 3,333 + 3,333 + 3,334.
        var term = new BillingTerm(D(9, 1), [D(9, 1), D(9, 2), D(9, 3)]);
        long Day(int d) => RefundCalculator.Compute(RefundRule.PerDay, 10_000, term, null, [D(9, d)]).RefundFen;
        Assert.Equal([3_333, 3_333, 3_334], new[] { Day(1), Day(2), Day(3) });
        Assert.Equal(10_000, RefundCalculator.Compute(RefundRule.PerDay, 10_000, term, D(9, 1), []).RefundFen); // withdrawn before it began
        Assert.Equal(0, RefundCalculator.Compute(RefundRule.PerDay, 10_000, term, D(9, 4), []).RefundFen);      // after the last day
    }

    [Fact]
    public void Haikou_half_month_refunds_only_a_half_none_of_whose_days_was_used()
    {
        // ¥66 for September: 300 fen a day, 3,300 a half month.
        Assert.Equal(3_300, RefundCalculator.Compute(RefundRule.PerHalfMonth, 6_600, September, D(9, 16), []).RefundFen); // before the second half's first day
        Assert.Equal(3_300, RefundCalculator.Compute(RefundRule.PerHalfMonth, 6_600, September, D(9, 13), []).RefundFen); // a Sunday: 14, 15 of the first half used
        Assert.Equal(0, RefundCalculator.Compute(RefundRule.PerHalfMonth, 6_600, September, D(9, 17), []).RefundFen);     // the 16th used: the half is kept

        var firstHalf = Weekdays(D(9, 1), D(9, 15));
        var absentAll = RefundCalculator.Compute(RefundRule.PerHalfMonth, 6_600, September, null, firstHalf);
        Assert.Equal([new RefundLine(D(9, 1), D(9, 15), 11, 3_300, RefundCause.Absence)], absentAll.Lines);
        Assert.Equal(0, RefundCalculator.Compute(RefundRule.PerHalfMonth, 6_600, September, null, firstHalf.Skip(1).ToList()).RefundFen); // came once
        // Absent 16–22, withdrawn from the 23rd: nothing of the second half used, refunded as an absence.
        var mixed = RefundCalculator.Compute(RefundRule.PerHalfMonth, 6_600, September, D(9, 23), Weekdays(D(9, 16), D(9, 22)));
        Assert.Equal([new RefundLine(D(9, 16), D(9, 30), 11, 3_300, RefundCause.Absence)], mixed.Lines);
    }

    [Fact]
    public void Haikou_per_month_keeps_the_month_of_withdrawal()
    {
        // September (22 days) and October 2026 weekdays without 1–7 October (国庆): 8, 9, 12–16, 19–23, 26–30 = 17 days. ¥117 → 300 a day.
        var term = new BillingTerm(D(9, 1), [.. September.ServiceDays, .. Weekdays(D(10, 8), D(10, 30))]);
        Assert.Equal(39, term.ServiceDays.Count);
        Assert.Equal(5_100, RefundCalculator.Compute(RefundRule.PerMonth, 11_700, term, D(9, 30), []).RefundFen); // October: 17 × 300
        Assert.Equal(5_100, RefundCalculator.Compute(RefundRule.PerMonth, 11_700, term, D(10, 5), []).RefundFen); // holiday week, before October's first day
        Assert.Equal(0, RefundCalculator.Compute(RefundRule.PerMonth, 11_700, term, D(10, 9), []).RefundFen);
    }

    [Fact]
    public void Nanjing_refunds_half_the_unused_days_within_three_months_and_nothing_after()
    {
        // Tuesdays 1 Sept – 15 Dec 2026: 16 sessions, ¥48 → 300 each.
        var tuesdays = Enumerable.Range(0, 16).Select(w => D(9, 1).AddDays(7 * w)).ToList();
        var term = new BillingTerm(D(9, 1), tuesdays);
        var rule = RefundRule.PercentWithin(50, 3);
        // Withdrawn 3 Nov: 3, 10, 17, 24 Nov, 1, 8, 15 Dec unused = 7 × 300 = 2,100 → 1,050.
        var within = RefundCalculator.Compute(rule, 4_800, term, D(11, 3), []);
        Assert.Equal((1_050, 3_750), (within.RefundFen, within.KeptFen));
        Assert.Equal([new RefundLine(D(11, 3), D(12, 15), 7, 1_050, RefundCause.Withdrawal)], within.Lines);
    }

    [Fact]
    public void Nanjing_window_ends_three_months_after_the_term_starts_and_rounds_down()
    {
        var tuesdays = Enumerable.Range(0, 16).Select(w => D(9, 1).AddDays(7 * w)).ToList();
        var term = new BillingTerm(D(9, 1), tuesdays);
        var rule = RefundRule.PercentWithin(50, 3);
        Assert.Equal(450, RefundCalculator.Compute(rule, 4_800, term, D(11, 30), []).RefundFen); // 1, 8, 15 Dec: 900 → 450
        Assert.Equal(0, RefundCalculator.Compute(rule, 4_800, term, D(12, 1), []).RefundFen);    // 1 Sept + 3 months: outside
        Assert.Equal(0, RefundCalculator.Compute(rule, 4_800, term, null, [D(9, 8)]).RefundFen); // absences are not refunded
        // ¥48.01: the last three days are worth ⌊4801·14/16⌋−⌊4801·13/16⌋ … = 300 + 300 + 301 = 901 → 50% = 450.5 → 450.
        Assert.Equal(450, RefundCalculator.Compute(rule, 4_801, term, D(11, 30), []).RefundFen);
    }

    [Fact]
    public void A_waived_pupil_has_nothing_to_refund()
    {
        var refund = RefundCalculator.Compute(RefundRule.PerDay, 0, September, D(9, 2), [D(9, 1)]);
        Assert.Equal((0, 0, 0), (refund.PaidFen, refund.RefundFen, refund.KeptFen));
        Assert.Empty(refund.Lines);
    }

    [Fact]
    public void Bad_input_is_refused_naming_every_field()
    {
        var term = new BillingTerm(D(9, 2), [D(9, 1), D(9, 1)]);
        var e = Assert.Throws<ValidationFailedException>(() => RefundCalculator.Compute(RefundRule.PercentWithin(0, 13), -1, term, null, [D(9, 5)]));
        Assert.Equal(["absences[0]", "paidFen", "refundRule.percent", "refundRule.withinMonths", "term.firstDay", "term.serviceDays"], e.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("refund.not-a-service-day", e.Errors["absences[0]"][0].Key);
        Assert.Equal("refund.duplicate-day", e.Errors["term.serviceDays"][0].Key);
    }

    [Fact]
    public void Term_from_sessions_takes_their_Beijing_dates()
    {
        // 2026-09-01 23:30 UTC is 2 September 07:30 in Beijing.
        var term = BillingTerm.FromSessions([new DateTimeOffset(2026, 9, 1, 23, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 9, 1, 7, 40, 0, TimeSpan.Zero)]);
        Assert.Equal([D(9, 1), D(9, 2)], term.ServiceDays);
        Assert.Equal(D(9, 1), term.FirstDay);
    }

    private static readonly Gen<RefundRule> Rules = Gen.Frequency(
        (1, Gen.Const(RefundRule.PerDay)), (1, Gen.Const(RefundRule.PerHalfMonth)), (1, Gen.Const(RefundRule.PerMonth)),
        (1, Gen.Select(Gen.Int[1, 100], Gen.Int[1, 6], RefundRule.PercentWithin)));

    private static readonly Gen<(RefundRule Rule, long Paid, BillingTerm Term, DateOnly? Withdrawn, DateOnly[] Absent, DateOnly[] More)> Cases =
        Gen.Select(Rules, Gen.Long[0, 200_000], Gen.Int[0, 150].Array[1, 80], Gen.Int[0, 160].Nullable(0.4), Gen.Int[0, 79].Array[0, 20], Gen.Int[0, 79].Array[0, 20],
            (rule, paid, offsets, withdrawn, absent, more) =>
            {
                var days = offsets.Distinct().Order().Select(o => D(9, 1).AddDays(o)).ToArray();
                DateOnly[] Pick(int[] idx) => [.. idx.Select(i => days[i % days.Length]).Distinct()];
                return (rule, paid, new BillingTerm(D(9, 1), days), withdrawn is { } w ? D(9, 1).AddDays(w) : (DateOnly?)null, Pick(absent), Pick(more));
            });

    [Fact]
    public void A_refund_never_exceeds_the_fee_and_its_parts_add_up() =>
        Cases.Sample((rule, paid, term, withdrawn, absent, more) =>
        {
            var r = RefundCalculator.Compute(rule, paid, term, withdrawn, absent);
            Assert.InRange(r.RefundFen, 0, paid);
            Assert.Equal(paid, r.RefundFen + r.KeptFen);
            Assert.Equal(r.RefundFen, r.Lines.Sum(l => l.AmountFen));
            Assert.All(r.Lines, l => Assert.True(l.AmountFen > 0 && l.Days > 0 && l.From <= l.To));
            // More absences never refund less (per day and per period; the percentage rule ignores absences).
            var wider = RefundCalculator.Compute(rule, paid, term, withdrawn, [.. absent.Union(more)]);
            Assert.True(wider.RefundFen >= r.RefundFen);
            if (rule.Unit == RefundUnit.PercentWithin) Assert.Equal(r.RefundFen, wider.RefundFen);
        }, iter: 500);

    [Fact]
    public void Per_day_refunds_of_disjoint_days_add_up_and_all_days_give_back_the_whole_fee() =>
        Cases.Sample((_, paid, term, _, absent, more) =>
        {
            var only = more.Except(absent).ToArray();
            long Of(DateOnly[] days) => RefundCalculator.Compute(RefundRule.PerDay, paid, term, null, days).RefundFen;
            Assert.Equal(Of([.. absent, .. only]), Of(absent) + Of(only));
            Assert.Equal(paid, Of([.. term.ServiceDays]));
            Assert.Equal(paid, term.ServiceDays.Sum(d => Of([d])));
            // Per half month and per month, every period absent is the whole fee too.
            Assert.Equal(paid, RefundCalculator.Compute(RefundRule.PerHalfMonth, paid, term, null, [.. term.ServiceDays]).RefundFen);
            Assert.Equal(paid, RefundCalculator.Compute(RefundRule.PerMonth, paid, term, term.ServiceDays[0], []).RefundFen);
        }, iter: 300);
}
