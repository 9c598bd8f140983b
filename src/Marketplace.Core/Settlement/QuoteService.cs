using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Settlement;

/// <summary>
/// Quotes a group's sessions of one offering from the school district's funding policy: for each session, the policy of its
/// semester, the revision in force at its start. Per-month and per-semester amounts run across the sessions of one request (the
/// same pupils): the subsidy allowance is used up in session order and the family cap counts what the group already pays in
/// that month or semester; a group that names its class also counts the class's other bookings (the same pupils). (Pupils are not
/// yet individuals — families come with issue 18 — so two requests that name no class are two groups.) The school's district gives
/// the policy, its 城乡 the family cap of a rural school.
/// </summary>
public sealed class QuoteService(IMarketplaceStore store)
{
    public Task<IReadOnlyList<Quote>> QuoteAsync(
        School school, OfferingContent content, IReadOnlyList<(DateTimeOffset StartsAt, DateTimeOffset EndsAt)> sessions, int pupils, int hardship,
        IReadOnlyList<int> grades, CancellationToken ct = default) =>
        QuoteAsync(school, content, sessions, pupils, hardship, grades, className: null, ct);

    /// <summary>
    /// As above, for a group that names its class (班级, a term booking's <c>className</c>): the class's pupils are the same in every
    /// request, so a subsidy allowance and a family cap per month or semester also count what the class's other live bookings
    /// (requested, confirmed, completed) already used and charge each pupil in that month or semester.
    /// </summary>
    public async Task<IReadOnlyList<Quote>> QuoteAsync(
        School school, OfferingContent content, IReadOnlyList<(DateTimeOffset StartsAt, DateTimeOffset EndsAt)> sessions, int pupils, int hardship,
        IReadOnlyList<int> grades, string? className, CancellationToken ct = default)
    {
        className = string.IsNullOrWhiteSpace(className) ? null : className.Trim();
        var classLoaded = new HashSet<string>(StringComparer.Ordinal);
        var district = school.DistrictCode;
        var stage = QuoteCalculator.StageOf(grades);
        var policies = new Dictionary<string, FundingPolicy?>(StringComparer.Ordinal);
        var subsidyUsed = new Dictionary<string, long>(StringComparer.Ordinal);
        var familyPaid = new Dictionary<string, long>(StringComparer.Ordinal);
        var quotes = new List<Quote>(sessions.Count);
        foreach (var (startsAt, endsAt) in sessions.OrderBy(s => s.StartsAt))
        {
            var semester = Semester.Of(startsAt);
            if (!policies.TryGetValue(semester.Name, out var policy))
                policies[semester.Name] = policy = await store.FindAsync<FundingPolicy>(FundingPolicy.IdOf(district, semester.Name), ct);
            var revision = policy?.InForce(startsAt);
            var terms = revision?.Terms;
            var minutes = (int)Math.Round((endsAt - startsAt).TotalMinutes);
            string? subsidyPeriod = null, capPeriod = null;
            long? allowanceLeft = null;
            long paidSoFar = 0;
            if (terms is not null)
            {
                subsidyPeriod = Period(terms.SubsidyUnit, startsAt, semester);
                if (className is not null && classLoaded.Add(semester.Name))
                    await AddClassBookingsAsync(school, className, semester, terms, subsidyUsed, familyPaid, ct);
                if (subsidyPeriod is not null) allowanceLeft = terms.SubsidyFen - subsidyUsed.GetValueOrDefault(subsidyPeriod);
                capPeriod = Period(terms.FamilyCapUnit, startsAt, semester);
                if (capPeriod is not null) paidSoFar = familyPaid.GetValueOrDefault(capPeriod);
            }
            var quote = QuoteCalculator.Compute(content.PriceFen, pupils, hardship, minutes, stage, content.CollectedFees, terms,
                revision is null ? null : new PolicyRef(policy!.Id, semester.Name, revision.Number), allowanceLeft, paidSoFar, school.Area);
            if (subsidyPeriod is not null) subsidyUsed[subsidyPeriod] = subsidyUsed.GetValueOrDefault(subsidyPeriod) + quote.SubsidyPerPupilFen;
            if (capPeriod is not null) familyPaid[capPeriod] = familyPaid.GetValueOrDefault(capPeriod) + quote.FamilySharePerPupilFen;
            quotes.Add(quote);
        }
        return quotes;
    }

    /// <summary>What the class's live bookings of the semester already use of each pupil's subsidy allowance and charge each pupil, by period.</summary>
    private async Task AddClassBookingsAsync(School school, string className, Semester semester, FundingTerms terms, Dictionary<string, long> subsidyUsed,
        Dictionary<string, long> familyPaid, CancellationToken ct)
    {
        foreach (var b in await Bookings.PlanAdvisor.BookingsInAsync(store, school.Id, semester, ct))
        {
            if (b.ClassName != className || b.Status is not (Bookings.BookingStatus.Requested or Bookings.BookingStatus.Confirmed or Bookings.BookingStatus.Completed))
                continue;
            var quote = b.Quote.Normalized();
            if (Period(terms.SubsidyUnit, b.SessionStartsAt, semester) is { } subsidyPeriod)
                subsidyUsed[subsidyPeriod] = subsidyUsed.GetValueOrDefault(subsidyPeriod) + quote.SubsidyPerPupilFen;
            if (Period(terms.FamilyCapUnit, b.SessionStartsAt, semester) is { } capPeriod)
                familyPaid[capPeriod] = familyPaid.GetValueOrDefault(capPeriod) + quote.FamilySharePerPupilFen;
        }
    }

    /// <summary>The month (yyyy-MM, Beijing) or semester an amount per month or semester runs over; null for per-lesson amounts.</summary>
    private static string? Period(FeeUnit unit, DateTimeOffset at, Semester semester) => unit switch
    {
        FeeUnit.PerMonth => ChinaTime.DateOf(at).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
        FeeUnit.PerSemester => semester.Name,
        _ => null,
    };
}
