using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Search;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Matching;

/// <summary>
/// One offering recommended to a school to fill a gap in its 一校一案: the session it could book (the first in the plan's windows
/// with seats), how many pupils that quote is for, what it would cost under the district's policy, and why it ranks where it does.
/// <see cref="Reasons"/> are messages for the caller's language (e.g. 缺少科普类 · 距离2.3公里 · 周二15:40余18座 · 补贴后每生¥12).
/// </summary>
public sealed record Recommendation(
    Guid OfferingId, string Title, Guid ProviderId, string ProviderName, Category Category, Category Gap, DeliveryMode Mode, bool ComesToYou,
    double? DistanceKm, Guid SessionId, DateTimeOffset SessionStartsAt, DateTimeOffset SessionEndsAt, int FreeSeats, int Pupils,
    long PriceFen, long SubsidyPerPupilFen, long FamilySharePerPupilFen, long TotalFen, bool WithinBudget, decimal GradeFit,
    int DeliveredBookings, double Score, IReadOnlyList<UserMessage> Reasons);

/// <summary>
/// A school's recommendations for a semester. <see cref="Gaps"/>: the categories its plan targets without a live booking
/// (requested, confirmed or completed) of a session in the semester; <see cref="RemainingFen"/>: its plan's budget less what its
/// bookings commit (negative when over). <see cref="PlanMissing"/>: the school has no plan for the semester, so nothing is targeted.
/// </summary>
public sealed record SchoolRecommendations(
    Guid SchoolId, string SchoolName, string Semester, bool PlanMissing, IReadOnlyList<Category> Gaps, long RemainingFen, IReadOnlyList<Recommendation> Items);

/// <summary>
/// Matching (issue 16): offerings ranked to fill the gaps in a school's plan, found through the offering index port (so the same
/// on Lucene and Elasticsearch) with the school's own view of it — offerings of providers its district has approved, on campus in
/// its district or at a venue within <see cref="MaxTravelKm"/>, a session in the semester inside the plan's weekly windows with
/// free seats, for grades the school has — then quoted from the district's funding policy (an offering whose family share is
/// above the school's cap is left out: the school could not book it). The ranking (docs/monitoring.md "Recommendations"):
/// <c>score = 100 + 20·gradeFit − 3·km − familyShare(¥/pupil) − 40 if over the remaining budget + min(delivered bookings, 20)</c>,
/// where gradeFit is the share of the school's pupils in the offering's grades and km is 0 when the provider comes to the school.
/// </summary>
public sealed class RecommendationQueries(IMarketplaceStore store, IOfferingIndex index, BookingQueries bookings, QuoteService quotes, TimeProvider clock)
{
    /// <summary>The farthest a 走出去 venue may be from the school (straight line).</summary>
    public const double MaxTravelKm = 30;

    public const int DefaultLimit = 10;
    public const int MaxLimit = 50;

    /// <summary>Candidates read from the index per gap before ranking.</summary>
    private const int CandidatesPerGap = 40;

    /// <summary>The school itself, its district's bureau and its city's bureau; anyone else is told the school does not exist.</summary>
    public async Task<SchoolRecommendations> ForSchoolAsync(Caller caller, Guid schoolId, string? semester, int? limit, CancellationToken ct = default)
    {
        var school = await store.FindAsync<School>(schoolId, ct);
        if (school is null || !(caller.Role == Role.School && caller.OrganizationId == school.Id || caller.Oversees(school.DistrictCode)))
            throw new NotFoundException("school", schoolId);
        var v = new Validator();
        var term = Semester.Of(clock.GetUtcNow());
        v.Require(semester is null || Semester.TryParse(semester, out term), "semester", new("validation.semester"));
        v.Require(limit is null or (>= 1 and <= MaxLimit), "limit", new("validation.range", 1, MaxLimit));
        v.ThrowIfInvalid();
        return await RecommendAsync(school, term, limit ?? DefaultLimit, ct);
    }

    /// <summary>The recommendations of a school the caller may already read (the bureau's under-served list runs it per school).</summary>
    public async Task<SchoolRecommendations> RecommendAsync(School school, Semester term, int limit, CancellationToken ct = default)
    {
        var plan = await store.FindSchoolPlanAsync(school.Id, term.Name, ct);
        if (plan is null) return new SchoolRecommendations(school.Id, school.Name, term.Name, PlanMissing: true, [], 0, []);
        var summary = await bookings.PlanSummaryOfAsync(plan, ct);
        var covered = summary?.PupilsByCategory.Where(c => c.Value > 0).Select(c => c.Key).ToHashSet() ?? [];
        var gaps = plan.TargetCategories.Where(c => !covered.Contains(c)).ToList();
        var remaining = summary?.RemainingFen ?? plan.BudgetFen;
        var now = clock.GetUtcNow();
        if (gaps.Count == 0 || now >= term.End) return new SchoolRecommendations(school.Id, school.Name, term.Name, false, gaps, remaining, []);

        var windows = plan.Windows.Count == 0 ? null
            : plan.Windows.Select(w => new SessionWindow(w.DayOfWeek, w.Start.Hour * 60 + w.Start.Minute, w.End.Hour * 60 + w.End.Minute)).ToArray();
        var found = new List<(Category Gap, SearchHit Hit)>();
        foreach (var gap in gaps)
        {
            var query = new OfferingQuery(Category: gap, Near: new GeoPoint(school.Lat, school.Lon), RadiusKm: MaxTravelKm, From: term.Start, To: term.End,
                AvailableOnly: true, Sort: SearchSort.Distance, PageSize: CandidatesPerGap, Now: now, VisibleIn: school.DistrictCode)
            {
                Windows = windows,
                ComesTo = school.DistrictCode,
            };
            found.AddRange((await index.SearchAsync(query, ct)).Items.Select(hit => (gap, hit)));
        }

        var offerings = (await store.FindManyAsync<Offering>(found.Select(f => f.Hit.Id).Distinct().ToArray(), ct)).ToDictionary(o => o.Id);
        var delivered = new Dictionary<Guid, int>();
        var enrolment = Math.Max(1, school.EnrolmentByGrade.Values.Sum());
        var items = new List<Recommendation>();
        foreach (var (gap, hit) in found)
        {
            if (!offerings.TryGetValue(hit.Id, out var offering) || hit.NextSession is not { } session) continue;
            var content = offering.Content;
            var grades = hit.Grades.Where(g => school.EnrolmentByGrade.GetValueOrDefault(g) > 0).ToArray();
            if (grades.Length == 0 || content.MinGroup > session.FreeSeats) continue;
            var wanted = plan.PupilsExpected.GetValueOrDefault(gap) is > 0 and var expected ? expected : content.MinGroup;
            var pupils = Math.Clamp(wanted, content.MinGroup, Math.Min(content.MaxGroup, session.FreeSeats));
            Quote quote;
            try
            {
                quote = (await quotes.QuoteAsync(school, content, [(session.StartsAt, session.EndsAt)], pupils, 0, grades, ct))[0];
            }
            catch (FamilyCapExceededException)
            {
                continue; // above this school's family cap: it could not book it
            }
            if (!delivered.TryGetValue(offering.ProviderId, out var record))
                delivered[offering.ProviderId] = record = await DeliveredAsync(offering.ProviderId, ct);
            var km = hit.ComesToYou ? 0 : hit.DistanceKm ?? MaxTravelKm;
            var gradeFit = Math.Round((decimal)school.Enrolment(grades) / enrolment, 3);
            var within = quote.TotalFen <= remaining;
            var score = Math.Round(100 + 20 * (double)gradeFit - 3 * km - quote.FamilySharePerPupilFen / 100.0 - (within ? 0 : 40) + Math.Min(record, 20), 2);
            var reasons = RecommendationReasons.Of(gap, hit.ComesToYou, km, session.StartsAt, session.EndsAt, session.FreeSeats,
                quote.FamilySharePerPupilFen, record, within, remaining);
            items.Add(new Recommendation(offering.Id, content.Title, offering.ProviderId, hit.ProviderName, content.Category, gap, content.Mode, hit.ComesToYou,
                hit.ComesToYou ? 0 : hit.DistanceKm, session.Id, session.StartsAt, session.EndsAt, session.FreeSeats, pupils, content.PriceFen,
                quote.SubsidyPerPupilFen, quote.FamilySharePerPupilFen, quote.TotalFen, within, gradeFit, record, score, reasons));
        }
        var ranked = items.GroupBy(i => i.OfferingId).Select(g => g.First())
            .OrderByDescending(i => i.Score).ThenBy(i => i.DistanceKm ?? 0).ThenBy(i => i.SessionStartsAt).ThenBy(i => i.OfferingId)
            .Take(limit).ToList();
        return new SchoolRecommendations(school.Id, school.Name, term.Name, false, gaps, remaining, ranked);
    }

    /// <summary>The provider's delivery record: its completed bookings, counted up to 500 (the ranking caps it at 20).</summary>
    private async Task<int> DeliveredAsync(Guid providerId, CancellationToken ct) =>
        (await store.ListBookingsAsync(new BookingFilter(ProviderId: providerId, Status: BookingStatus.Completed, Limit: 500), ct)).Count;
}

/// <summary>
/// A recommendation's reasons, in ranking order of what a coordinator weighs (e.g. 缺少科普类 · 距离2.3公里 · 周二15:40余18座 ·
/// 补贴后每生¥12 · 已交付8场): written from its facts, so a list the bureau sent reads the same as the school's own panel.
/// </summary>
public static class RecommendationReasons
{
    public static IReadOnlyList<UserMessage> Of(Category gap, bool comesToYou, double km, DateTimeOffset startsAt, DateTimeOffset endsAt, int freeSeats,
        long familySharePerPupilFen, int delivered, bool withinBudget, long remainingFen)
    {
        var (day, start, _) = ChinaTime.WeekSlot(startsAt, endsAt);
        List<UserMessage> reasons =
        [
            new("recommend.gap", new UserMessage($"enum.Category.{gap}")),
            comesToYou ? new("recommend.comes-to-you") : new("recommend.distance", km.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)),
            new("recommend.session", new UserMessage($"enum.DayOfWeek.{day}"), $"{start / 60:D2}:{start % 60:D2}", freeSeats),
            new("recommend.after-subsidy", Money.Yuan(familySharePerPupilFen)),
            delivered > 0 ? new("recommend.delivered", delivered) : new("recommend.new-provider"),
        ];
        if (!withinBudget) reasons.Add(new("recommend.over-budget", Money.Yuan(Math.Max(0, remainingFen))));
        return reasons;
    }

    public static IReadOnlyList<UserMessage> Of(SentRecommendation r, long remainingFen) => Of(r.Gap, r.ComesToYou, r.ComesToYou ? 0 : r.DistanceKm ?? RecommendationQueries.MaxTravelKm,
        r.SessionStartsAt, r.SessionEndsAt, r.FreeSeats, r.FamilySharePerPupilFen, r.DeliveredBookings, r.WithinBudget, remainingFen);
}
