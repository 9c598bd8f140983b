using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Settlement;

/// <summary>
/// Quotes a group's sessions of one offering from the school district's funding policy: for each session, the policy of its
/// semester, the revision in force at its start. Per-month and per-semester amounts run across the sessions of one request (the
/// same pupils): the subsidy allowance is used up in session order and the family cap counts what the group already pays in
/// that month or semester. (Pupils are not yet individuals — families come with issue 18 — so two separate requests of one
/// class are two groups.) The school's district gives the policy, its 城乡 the family cap of a rural school.
/// </summary>
public sealed class QuoteService(IMarketplaceStore store)
{
    public async Task<IReadOnlyList<Quote>> QuoteAsync(
        School school, OfferingContent content, IReadOnlyList<(DateTimeOffset StartsAt, DateTimeOffset EndsAt)> sessions, int pupils, int hardship,
        IReadOnlyList<int> grades, CancellationToken ct = default)
    {
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

    /// <summary>The month (yyyy-MM, Beijing) or semester an amount per month or semester runs over; null for per-lesson amounts.</summary>
    private static string? Period(FeeUnit unit, DateTimeOffset at, Semester semester) => unit switch
    {
        FeeUnit.PerMonth => ChinaTime.DateOf(at).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
        FeeUnit.PerSemester => semester.Name,
        _ => null,
    };
}
