using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;
using static Marketplace.Core.Tests.Settlement.SettlementFixtures;

namespace Marketplace.Core.Tests.Settlement;

/// <summary>DOMAIN.md "Money — the product's model, with a worked example", figure for figure, through the quote, the booking and the ledger.</summary>
public class WorkedExampleTests
{
    // S ¥3.00 and F ¥3.50 per pupil per 课时; insurance ¥1.00 per pupil per trip allowed as 代收费 (not waived for hardship pupils).
    private static readonly FundingTerms Terms = new(300, FeeUnit.PerLesson, 350, null, FeeUnit.PerLesson, null,
        [new CollectedFeeRule(CollectedFeeKind.Insurance, 100)]);

    private static readonly PolicyRef Policy = new(FundingPolicy.IdOf(DistrictCode, "2026-2027-1"), "2026-2027-1", 1);

    private static Quote ExampleQuote() => QuoteCalculator.Compute(
        1200, 30, 2, 80, QuoteCalculator.StageOf([3, 4]), [new CollectedFee(CollectedFeeKind.Insurance, 100)], Terms, Policy);

    [Fact]
    public void The_quote_has_the_worked_example_figures()
    {
        var q = ExampleQuote();

        Assert.Equal(4, q.LessonHalves); // 80 minutes primary = 2 课时
        Assert.Equal(1200, q.UnitPriceFen);
        Assert.Equal(2, q.Hardship);
        Assert.Equal(600, q.SubsidyPerPupilFen);       // min(1,200, 300 × 2)
        Assert.Equal(18_000, q.SubsidyFen);            // min(36,000, 30 × 300 × 2)
        Assert.Equal(600, q.FamilySharePerPupilFen);   // (36,000 − 18,000) ÷ 30, ≤ cap 350 × 2 = 700
        Assert.Equal(16_800, q.FamilyFeeFen);          // 28 × 600
        Assert.Equal(1_200, q.WaivedFen);              // 2 × 600
        Assert.Equal(3_000, q.CollectedFeesFen);       // 30 × 100
        Assert.Equal(39_000, q.TotalFen);              // 36,000 + 3,000
        Assert.Equal(q.TotalFen, q.SubsidyFen + q.FamilyFeeFen + q.WaivedFen + q.CollectedFeesFen);
        Assert.Equal([new QuoteLine(CollectedFeeKind.Insurance, 100)], q.CollectedItems);
        Assert.Equal(Policy, q.Policy);
    }

    [Fact]
    public void Commitment_and_settlement_post_the_worked_example_account_by_account()
    {
        var school = Ids.New();
        var provider = Ids.New();
        var booking = BookingWithQuote(school, provider, 30, ExampleQuote(), Now.AddDays(7));
        booking.Confirm(Now.AddHours(1), "Provider:p1");
        var parties = PartiesOf(booking);

        var commitment = LedgerPostings.Commitment(parties, booking.Quote, Now.AddHours(1));

        Assert.Equal(LedgerKind.Commitment, commitment.Kind);
        Assert.Equal(LedgerTransaction.IdOf($"commitment:{booking.Id:N}"), commitment.Id);
        AssertEntries(commitment,
            (Accounts.BureauSubsidy(DistrictCode), 18_000),
            (Accounts.FamilyReceivable(school), 19_800),  // family fees 16,800 + collected 3,000
            (Accounts.SchoolFund(school), 1_200),         // waived
            (Accounts.Clearing(school), -39_000));        // the total, held until delivery

        // 27 of 30 attend; the 3 absent are paying pupils; the school confirms.
        booking.Complete(27, booking.SessionStartsAt.AddMinutes(80), "Provider:p1");
        booking.ConfirmDelivery(0, booking.SessionStartsAt.AddDays(1), "School:school1");
        Assert.Equal(DeliveryStatus.Confirmed, booking.Delivery!.Status);

        var settlement = LedgerPostings.Settlement(parties, booking.Quote, booking.Delivery.Attended, booking.Delivery.AbsentHardship, Now.AddDays(8));

        Assert.Equal(LedgerKind.Settlement, settlement.Kind);
        Assert.Equal(LedgerTransaction.IdOf($"settlement:{booking.Id:N}"), settlement.Id);
        AssertEntries(settlement,
            (Accounts.Clearing(school), 39_000),                     // clearing released
            (Accounts.ProviderPayable(provider, school), -32_400),   // 27 × 1,200, not 36,000
            (Accounts.CollectedPayable(school), -2_700),             // 27 × 100 insurance used
            (Accounts.BureauSubsidy(DistrictCode), -1_800),              // 3 × 600 subsidy back
            (Accounts.FamilyReceivable(school), -2_100));            // 3 × (600 share + 100 unused insurance)
        // Nothing on the school fund: no waived pupil was absent, every absence is credited (no line of 0 is kept).
        Assert.DoesNotContain(settlement.Entries, e => e.Account == Accounts.SchoolFund(school));

        var balances = FoldPerAccount([commitment, settlement]);
        Assert.Equal(0, balances[Accounts.Clearing(school)]);
        Assert.Equal(16_200, balances[Accounts.BureauSubsidy(DistrictCode)]);   // 27 × 600
        Assert.Equal(17_700, balances[Accounts.FamilyReceivable(school)]); // 25 paying attendees × 700 + 2 hardship × 100 insurance
        Assert.Equal(1_200, balances[Accounts.SchoolFund(school)]);
        Assert.Equal(-32_400, balances[Accounts.ProviderPayable(provider, school)]);
        Assert.Equal(-2_700, balances[Accounts.CollectedPayable(school)]);
        Assert.Equal(0, balances.Values.Sum());
    }

    [Fact]
    public void An_absent_hardship_pupil_returns_the_waived_share_to_the_fund_and_only_the_insurance_the_family_paid()
    {
        var school = Ids.New();
        var provider = Ids.New();
        var booking = BookingWithQuote(school, provider, 30, ExampleQuote(), Now.AddDays(7));
        booking.Confirm(Now.AddHours(1), "Provider:p1");
        booking.Complete(27, booking.SessionStartsAt.AddMinutes(80), "Provider:p1");
        booking.ConfirmDelivery(1, booking.SessionStartsAt.AddDays(1), "School:school1"); // of the 3 absent, 1 is 家庭经济困难

        var settlement = LedgerPostings.Settlement(PartiesOf(booking), booking.Quote, 27, booking.Delivery!.AbsentHardship, Now.AddDays(8));

        AssertEntries(settlement,
            (Accounts.Clearing(school), 39_000),
            (Accounts.ProviderPayable(provider, school), -32_400),
            (Accounts.CollectedPayable(school), -2_700),
            (Accounts.BureauSubsidy(DistrictCode), -1_800),
            (Accounts.FamilyReceivable(school), -1_500),  // 2 paying × 700 + the hardship family's 100 insurance
            (Accounts.SchoolFund(school), -600));         // the waived share goes back to the fund
    }

    private static void AssertEntries(LedgerTransaction tx, params (string Account, long AmountFen)[] expected)
    {
        Assert.Equal(
            expected.Select(e => new LedgerEntry(e.Account, e.AmountFen)).OrderBy(e => e.Account, StringComparer.Ordinal),
            tx.Entries.OrderBy(e => e.Account, StringComparer.Ordinal));
        Assert.Equal(0, tx.Entries.Sum(e => e.AmountFen));
    }
}
