using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families.Billing;

/// <summary>
/// The days a term fee pays for: the term's first day (where a <see cref="RefundUnit.PercentWithin"/> window starts) and the
/// Beijing dates of its service days (sessions the pupil is enrolled on), at most one per date.
/// </summary>
public sealed record BillingTerm(DateOnly FirstDay, IReadOnlyList<DateOnly> ServiceDays)
{
    public const int MaxServiceDays = 400;

    /// <summary>The term of these sessions' start times: their Beijing dates, the earliest one as first day.</summary>
    public static BillingTerm FromSessions(IEnumerable<DateTimeOffset> startsAt)
    {
        var days = startsAt.Select(ChinaTime.DateOf).Distinct().Order().ToList();
        return new BillingTerm(days.Count > 0 ? days[0] : default, days);
    }
}

/// <summary>Why part of a fee goes back: the pupil left the programme, or missed its days.</summary>
public enum RefundCause { Withdrawal, Absence }

/// <summary>One refunded step: the service days from <see cref="From"/> to <see cref="To"/> it covers, how many, and the amount.</summary>
public sealed record RefundLine(DateOnly From, DateOnly To, int Days, long AmountFen, RefundCause Cause);

/// <summary>What goes back and what the school keeps; <see cref="RefundFen"/> + <see cref="KeptFen"/> = <see cref="PaidFen"/>, and the lines add up to the refund.</summary>
public sealed record Refund(long PaidFen, long RefundFen, long KeptFen, IReadOnlyList<RefundLine> Lines);

/// <summary>
/// A family's refund of a term fee under the district's <see cref="RefundRule"/>, in integer fen. The fee is spread over the
/// service days so the days' shares add up to it exactly: day i of n (0-based) is worth ⌊fee·(i+1)/n⌋ − ⌊fee·i/n⌋ (the odd fen
/// fall on later days), so the refunds of disjoint sets of days add up and all days together refund the whole fee. A day is
/// used unless the pupil was absent or it is on or after the withdrawal date. Per day: every unused day's share. Per half month /
/// month: the shares of every period none of whose service days was used (a withdrawal in the middle of a period keeps that
/// period). Percentage within N months: on a withdrawal before the term's first day + N months, ⌊percent × unused shares / 100⌋
/// (rounded down: never more than paid); absences and later withdrawals get nothing.
/// </summary>
public static class RefundCalculator
{
    public const long MaxPaidFen = 100_000_000; // ¥1,000,000 for one pupil's term: far above any fee, far below overflow (× 400 days)

    public static Refund Compute(RefundRule rule, long paidFen, BillingTerm term, DateOnly? withdrawnOn, IReadOnlyList<DateOnly> absences)
    {
        var days = Validate(rule, paidFen, term, absences);
        var n = days.Length;
        var absent = absences.ToHashSet();
        var share = new long[n];
        for (var i = 0; i < n; i++) share[i] = paidFen * (i + 1) / n - paidFen * i / n;
        bool Withdrawn(int i) => withdrawnOn is { } w && days[i] >= w;
        bool Unused(int i) => Withdrawn(i) || absent.Contains(days[i]);

        var lines = new List<RefundLine>();
        switch (rule.Unit)
        {
            case RefundUnit.PerDay:
                for (var i = 0; i < n; i++)
                    if (Unused(i)) Add(lines, days[i], share[i], Withdrawn(i) ? RefundCause.Withdrawal : RefundCause.Absence);
                break;
            case RefundUnit.PerHalfMonth or RefundUnit.PerMonth:
                foreach (var period in Enumerable.Range(0, n).GroupBy(i => PeriodOf(days[i], rule.Unit)))
                    if (period.All(Unused))
                    {
                        var cause = period.All(Withdrawn) ? RefundCause.Withdrawal : RefundCause.Absence;
                        lines.Add(new RefundLine(days[period.First()], days[period.Last()], period.Count(), period.Sum(i => share[i]), cause));
                    }
                break;
            case RefundUnit.PercentWithin:
                if (withdrawnOn is { } on && on < term.FirstDay.AddMonths(rule.WithinMonths))
                {
                    var left = Enumerable.Range(0, n).Where(Withdrawn).ToList();
                    if (left.Count > 0)
                        lines.Add(new RefundLine(days[left[0]], days[left[^1]], left.Count, left.Sum(i => share[i]) * rule.Percent / 100, RefundCause.Withdrawal));
                }
                break;
        }
        lines.RemoveAll(l => l.AmountFen == 0); // a waived (hardship) pupil's fee of 0, or days worth less than a fen
        var refund = lines.Sum(l => l.AmountFen);
        return new Refund(paidFen, refund, paidFen - refund, lines);
    }

    /// <summary>Per day, consecutive unused days of one cause become one line.</summary>
    private static void Add(List<RefundLine> lines, DateOnly day, long amount, RefundCause cause)
    {
        if (lines.Count > 0 && lines[^1] is { } last && last.Cause == cause && cause == RefundCause.Withdrawal)
            lines[^1] = last with { To = day, Days = last.Days + 1, AmountFen = last.AmountFen + amount };
        else lines.Add(new RefundLine(day, day, 1, amount, cause));
    }

    private static (int Year, int Month, int Half) PeriodOf(DateOnly day, RefundUnit unit) =>
        (day.Year, day.Month, unit == RefundUnit.PerHalfMonth && day.Day > 15 ? 2 : 1);

    private static DateOnly[] Validate(RefundRule rule, long paidFen, BillingTerm term, IReadOnlyList<DateOnly> absences)
    {
        var v = rule.Validate(new Validator(), "refundRule");
        v.Range(paidFen, 0, MaxPaidFen, "paidFen");
        var days = term.ServiceDays.Distinct().Order().ToArray();
        if (days.Length == 0) v.Add("term.serviceDays", new UserMessage("validation.required"));
        else if (v.Count(term.ServiceDays, "term.serviceDays", BillingTerm.MaxServiceDays))
        {
            if (days.Length != term.ServiceDays.Count) v.Add("term.serviceDays", new UserMessage("refund.duplicate-day"));
            if (days[0] < term.FirstDay) v.Add("term.firstDay", new UserMessage("refund.first-day-after-service"));
        }
        if (v.Count(absences, "absences", BillingTerm.MaxServiceDays))
            for (var i = 0; i < absences.Count; i++)
                if (Array.BinarySearch(days, absences[i]) < 0) v.Add($"absences[{i}]", new UserMessage("refund.not-a-service-day"));
        v.ThrowIfInvalid();
        return days;
    }
}
