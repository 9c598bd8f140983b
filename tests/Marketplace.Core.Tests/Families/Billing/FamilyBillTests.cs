using Marketplace.Core.Families;
using Marketplace.Core.Families.Billing;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Tests.Families.Billing;

/// <summary>
/// A pupil's bill over a hand-worked calendar: a programme of September 2026's 22 weekdays at 600 fen a session (13,200 billed), credited
/// under each district rule for absences and withdrawal, paid and refunded — never more than was paid — with every posting balanced and
/// the bill's ledger account equal to its balance.
/// </summary>
public class FamilyBillTests
{
    private static readonly DateTimeOffset Now = new(2026, 10, 8, 8, 0, 0, TimeSpan.Zero);
    private static DateOnly D(int day) => new(2026, 9, day);

    private static readonly List<DateOnly> September =
        [.. Enumerable.Range(1, 30).Select(D).Where(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))];

    private static (FamilyBill Bill, BillLine Line, List<LedgerTransaction> Posted) Billed(bool hardship = false)
    {
        var pupil = Pupil.Create(Ids.New(), "110105", "学生", 3, "1班", Ids.New(), "13700000001", hardship, Now);
        var bill = FamilyBill.Open(pupil, "2026-2027-1", Now);
        var line = new BillLine(Ids.New(), Ids.New(), "足球", "体育中心", [.. September.Select(_ => Ids.New())], September, 22 * 500, 22 * 100,
            hardship ? 22 * 600 : 0, hardship ? WaiverReasons.Hardship : null, Now);
        var posted = new List<LedgerTransaction>();
        if (bill.Bill(line, Now) is { } tx) posted.Add(tx);
        return (bill, line, posted);
    }

    private static long CreditFor(RefundRule rule, BillLine line, DateOnly? withdrawn, params DateOnly[] absent) =>
        RefundCalculator.Compute(rule, line.AmountFen, new BillingTerm(line.ServiceDays[0], line.ServiceDays), withdrawn, absent).RefundFen;

    private static void AssertLedger(FamilyBill bill, IReadOnlyList<LedgerTransaction> posted)
    {
        Assert.All(posted, t => Assert.Equal(0, t.Entries.Sum(e => e.AmountFen)));
        Assert.Equal(bill.BalanceFen, posted.SelectMany(t => t.Entries).Where(e => e.Account == Accounts.FamilyBill(bill.Id)).Sum(e => e.AmountFen));
        Assert.Equal(posted.Count, posted.Select(t => t.Id).Distinct().Count()); // every business key once
    }

    [Theory]
    [InlineData(RefundUnit.PerDay, new[] { 8, 9 }, 1_200)]                                       // two days × 600
    [InlineData(RefundUnit.PerHalfMonth, new[] { 1, 2, 3, 4, 7, 8, 9, 10, 11, 14, 15 }, 6_600)]   // all 11 days of 1–15
    [InlineData(RefundUnit.PerHalfMonth, new[] { 1, 2, 3, 4, 7, 8, 9, 10, 11, 14 }, 0)]           // the 15th was used: the half month kept
    [InlineData(RefundUnit.PerMonth, new[] { 8 }, 0)]                                             // one day of the month used
    public void Absences_CreditTheBill_PerTheDistrictRule(RefundUnit unit, int[] absentDays, long credit)
    {
        var (bill, line, posted) = Billed();
        var absent = absentDays.Select(D).ToArray();
        var target = CreditFor(new RefundRule(unit), line, null, absent);
        Assert.Equal(credit, target);
        if (bill.Credit(line.WindowId, line.ProgrammeId, target, RefundCause.Absence, null, absent, absent, Now) is { } tx) posted.Add(tx);
        Assert.Equal((13_200, credit, 13_200 - credit), (bill.BilledFen, bill.CreditedFen, bill.BalanceFen));
        AssertLedger(bill, posted);

        // The same roll again: nothing moves, no new version.
        var version = bill.Version;
        Assert.Null(bill.Credit(line.WindowId, line.ProgrammeId, target, RefundCause.Absence, null, absent, absent, Now));
        Assert.Equal(version, bill.Version);
    }

    [Fact]
    public void PaidBill_IsRefundedOnItsPayment_AndACorrectionTakesBackOnlyWhatWasNotPaidOut()
    {
        var (bill, line, posted) = Billed();
        posted.Add(bill.Pay(Ids.New(), 13_200, "offline", "TY-1", Now, "School:school3"));
        Assert.Throws<DomainRuleException>(() => bill.Pay(Ids.New(), 1, "offline", "TY-2", Now, "School:school3"));
        posted.Add(bill.Credit(line.WindowId, line.ProgrammeId, 1_200, RefundCause.Absence, null, [D(8), D(9)], [D(8), D(9)], Now)!);
        var (payment, amount) = Assert.Single(bill.RefundsDue());
        Assert.Equal(("TY-1", 1_200), (payment.Reference, amount));
        posted.Add(bill.Refund(bill.NextRefund().Id, payment, amount, "refund:TY-1", Now));
        Assert.Empty(bill.RefundsDue());
        Assert.Equal((1_200, 0), (bill.RefundedFen, bill.BalanceFen));

        // One of the two days corrected to present: the 600 was refunded in cash already, so the credit stays.
        Assert.Null(bill.Credit(line.WindowId, line.ProgrammeId, 600, RefundCause.Absence, null, [D(9)], [D(9)], Now));
        Assert.Equal(1_200, bill.CreditedFen);
        AssertLedger(bill, posted);
        Assert.Equal(13_200 - 1_200, posted.SelectMany(t => t.Entries).Where(e => e.Account == Accounts.Cash(bill.SchoolId)).Sum(e => e.AmountFen));
    }

    [Fact]
    public void UnpaidCredit_IsReversedByACorrection()
    {
        var (bill, line, posted) = Billed();
        posted.Add(bill.Credit(line.WindowId, line.ProgrammeId, 600, RefundCause.Absence, null, [D(8)], [D(8)], Now)!);
        var reversal = bill.Credit(line.WindowId, line.ProgrammeId, 0, RefundCause.Absence, null, [], [], Now)!;
        posted.Add(reversal);
        Assert.True(bill.Adjustments[^1].Reversal);
        Assert.Equal((0, 13_200), (bill.CreditedFen, bill.BalanceFen));
        AssertLedger(bill, posted);
    }

    [Fact]
    public void Withdrawal_NeverRefundsMoreThanWasPaid()
    {
        var (bill, line, posted) = Billed();
        posted.Add(bill.Pay(Ids.New(), 5_000, "offline", "TY-9", Now, "School:school3"));
        // Withdrawn before the first day: PerDay credits all 13,200, of which only the 5,000 paid goes back in cash.
        var target = CreditFor(RefundRule.PerDay, line, D(1));
        Assert.Equal(13_200, target);
        posted.Add(bill.Credit(line.WindowId, line.ProgrammeId, target, RefundCause.Withdrawal, D(1), [], September, Now)!);
        var (payment, amount) = Assert.Single(bill.RefundsDue());
        Assert.Equal(5_000, amount);
        Assert.Throws<InvalidOperationException>(() => bill.Refund(bill.NextRefund().Id, payment, 5_001, null, Now));
        posted.Add(bill.Refund(bill.NextRefund().Id, payment, amount, null, Now));
        Assert.Equal((5_000, 5_000, 0), (bill.PaidFen, bill.RefundedFen, bill.BalanceFen));
        AssertLedger(bill, posted);

        // 南京: 50% of the unused days within 3 months of the first day.
        Assert.Equal(6_600, CreditFor(RefundRule.PercentWithin(50, 3), line, D(1)));
    }

    [Fact]
    public void HardshipLine_IsWaived_AndPostsNothing()
    {
        var (bill, line, posted) = Billed(hardship: true);
        Assert.Equal((13_200, 0, WaiverReasons.Hardship), (line.WaivedFen, line.AmountFen, line.WaiverReason));
        Assert.Empty(posted);
        Assert.Equal(0, CreditFor(RefundRule.PerDay, line, null, D(8)));
        Assert.Equal(0, bill.BalanceFen);
        Assert.Null(bill.Bill(line, Now)); // the same line again: not billed twice
    }
}
