using Marketplace.Core.Bookings;
using Marketplace.Core.Settlement;

namespace Marketplace.Core.Tests.Settlement;

/// <summary>QuoteTotals: a term's quote is the sum of its sessions' quotes, and adds up like each of them.</summary>
public class QuoteTotalsTests
{
    /// <summary>DOMAIN.md's worked example (30 pupils, 2 家庭经济困难, 2 课时 at ¥12.00) with <paramref name="subsidyPerPupil"/> of subsidy.</summary>
    private static Quote Session(long subsidyPerPupil)
    {
        var share = 1200 - subsidyPerPupil;
        return new Quote(1200, 39_000)
        {
            LessonHalves = 4, Hardship = 2, LessonFeeFen = 36_000, SubsidyPerPupilFen = subsidyPerPupil, FamilySharePerPupilFen = share,
            SubsidyFen = 30 * subsidyPerPupil, FamilyFeeFen = 28 * share, WaivedFen = 2 * share, CollectedFeesFen = 3_000,
        };
    }

    [Fact]
    public void Totals_SumTheSessions_AndThePerPupilFiguresAreTheTerms()
    {
        var term = QuoteTotals.Of([Session(1200), Session(800), Session(0)]);

        Assert.Equal(new QuoteTotals(3, 12, 108_000, 60_000, 28 * 1600, 2 * 1600, 9_000, 117_000, 2000, 1600), term);
        Assert.Equal(term.TotalFen, term.SubsidyFen + term.FamilyFeeFen + term.WaivedFen + term.CollectedFeesFen);
    }

    [Fact]
    public void Totals_CountAQuoteStoredBeforeTheSplit_AsTheFamilies()
    {
        var term = QuoteTotals.Of([Session(600), new Quote(1000, 30_000)]);

        Assert.Equal(2, term.Sessions);
        Assert.Equal(39_000 + 30_000, term.TotalFen);
        Assert.Equal(28 * 600 + 30_000, term.FamilyFeeFen);
        Assert.Equal(36_000 + 30_000, term.LessonFeeFen);
        Assert.Equal(600 + 1000, term.FamilySharePerPupilFen);
    }

    [Fact]
    public void Totals_OfNoSession_AreZero() => Assert.Equal(new QuoteTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0), QuoteTotals.Of([]));
}
