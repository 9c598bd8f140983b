using Marketplace.Core.Settlement;

namespace Marketplace.Core.Bookings;

/// <summary>
/// The dry run of a term booking (<see cref="BookingSeriesCommands.QuoteAsync"/>): the quote each bookable session would carry —
/// computed together, as the booking computes them, so a monthly or semester subsidy allowance or family cap runs across the
/// sessions — their sum for the term, and the sessions that cannot be booked now (booked only with <c>allowPartial</c>).
/// </summary>
public sealed record SeriesQuote(IReadOnlyList<SessionQuote> Sessions, QuoteTotals Term, IReadOnlyList<UnbookedSession> Unbooked);

/// <summary>One session of a series and the quote its booking would carry.</summary>
public sealed record SessionQuote(Guid SessionId, DateTimeOffset StartsAt, DateTimeOffset EndsAt, Quote Quote);

/// <summary>
/// Quotes added up over a term: each amount is the sum of the sessions', and the per-pupil figures are what one pupil's
/// lessons get as subsidy and cost its family over all of them. <see cref="TotalFen"/> = <see cref="SubsidyFen"/> +
/// <see cref="FamilyFeeFen"/> + <see cref="WaivedFen"/> + <see cref="CollectedFeesFen"/>, as for every quote.
/// </summary>
public sealed record QuoteTotals(
    int Sessions, int LessonHalves, long LessonFeeFen, long SubsidyFen, long FamilyFeeFen, long WaivedFen, long CollectedFeesFen, long TotalFen,
    long SubsidyPerPupilFen, long FamilySharePerPupilFen)
{
    public static QuoteTotals Of(IReadOnlyCollection<Quote> quotes)
    {
        var q = quotes.Select(x => x.Normalized()).ToList();
        return new(q.Count, q.Sum(x => x.LessonHalves ?? 0), q.Sum(x => x.LessonFeeFen), q.Sum(x => x.SubsidyFen), q.Sum(x => x.FamilyFeeFen),
            q.Sum(x => x.WaivedFen), q.Sum(x => x.CollectedFeesFen), q.Sum(x => x.TotalFen), q.Sum(x => x.SubsidyPerPupilFen), q.Sum(x => x.FamilySharePerPupilFen));
    }
}
