using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Matching;

/// <summary>
/// One school of the district and where it stands: <see cref="Gaps"/> (categories its plan targets without a live booking this
/// semester), <see cref="Participation"/> (<see cref="ParticipationEstimate"/>), the 走出去 trips' average straight-line distance,
/// and whether it is under-served, with its top recommendations when asked.
/// </summary>
public sealed record SchoolStanding(
    Guid SchoolId, string SchoolName, string DistrictCode, SchoolArea? Area, double Lat, double Lon, int Enrolment, bool PlanMissing,
    IReadOnlyList<Category> Gaps, long PupilsServed, decimal Participation, bool LowParticipation, int Trips, double? AverageTripKm, bool UnderServed)
{
    public IReadOnlyList<Recommendation> Recommendations { get; init; } = [];

    /// <summary>Whether <see cref="PupilsServed"/> is the school's distinct present pupils by roll call (exact) rather than the estimate.</summary>
    public bool ByRollCall { get; init; }

    /// <summary>With the recommendations: the plan's budget left after what the school's bookings commit (as the school's panel shows it).</summary>
    public long RemainingFen { get; init; }
}

/// <summary>The average 走出去 distance of the district's schools that made trips, all of them and by 城乡 (null where none).</summary>
public sealed record TravelEquity(double? AllKm, double? UrbanKm, double? RuralKm, int SchoolsWithTrips, int RuralSchools, int UrbanSchools, int AreaUnknown);

/// <summary>
/// The under-served schools of a district for a semester (issue 16): every school with its standing, the district's median
/// participation, and the travel-equity view. A school is under-served when its plan targets a category it has not booked this
/// semester, or its participation is below half the district's median (and the median is above zero).
/// </summary>
public sealed record UnderServedReport(
    string DistrictCode, string DistrictName, string Semester, DateTimeOffset GeneratedAt, decimal MedianParticipation, int Schools,
    IReadOnlyList<SchoolStanding> UnderServed, IReadOnlyList<SchoolStanding> All, TravelEquity Travel);

/// <summary>
/// Pupils served by a school without roll calls (one with rolls counts its distinct present pupils, exactly: issue 18), estimated
/// from its delivered bookings:
/// per 学段 band (grades 1–2, 3–4, 5–6, 7–9; a booking counts in the band of its lowest grade) the largest group that attended one
/// delivered session, at most the band's enrolment, summed over bands. A lower bound of distinct pupils: groups of one band may be
/// the same pupils, groups of different bands cannot. Delivered: completed with its delivery recorded, confirmed or resolved (not
/// one under dispute), at least one pupil attending.
/// </summary>
public static class ParticipationEstimate
{
    /// <summary>The coverage report's bands (<see cref="Reports.CoverageQueries.BandOf"/>): one estimate, school by school here, city-wide there.</summary>
    public static int BandOf(int grade) => Reports.CoverageQueries.BandOf(grade);

    public static bool Delivered(Booking b) => b.Status == BookingStatus.Completed && b.Attended > 0
        && b.Delivery?.Status is DeliveryStatus.Recorded or DeliveryStatus.Confirmed or DeliveryStatus.Resolved;

    public static long PupilsServed(School school, IEnumerable<Booking> bookings) => bookings.Where(Delivered).Where(b => b.Grades.Count > 0)
        .GroupBy(b => BandOf(b.Grades.Min()))
        .Sum(band => Math.Min(band.Max(b => (long)b.Attended!.Value), school.EnrolmentByGrade.Where(e => BandOf(e.Key) == band.Key).Sum(e => (long)e.Value)));
}

/// <summary>The district bureau's (and its city bureau's) list of under-served schools, and recommendations for each at once.</summary>
public sealed class UnderServedQueries(IMarketplaceStore store, BookingQueries bookings, RecommendationQueries recommendations, TimeProvider clock)
{
    /// <summary>Recommendations per school when the bureau runs them for every under-served school.</summary>
    public const int RecommendationsPerSchool = 3;

    public async Task<UnderServedReport> GetAsync(Caller caller, string district, string? semester, bool recommend, CancellationToken ct = default)
    {
        if (caller.Role is not (Role.Bureau or Role.CityBureau)) throw new ForbiddenException("forbidden.report");
        if (!caller.Oversees(district)) throw new ForbiddenException("forbidden.report-district", district);
        var now = clock.GetUtcNow();
        var term = Semester.Of(now);
        if (semester is not null && !Semester.TryParse(semester, out term)) throw ValidationFailedException.For("semester", "validation.semester");
        var districtName = (await store.ListDistrictsAsync(ct)).FirstOrDefault(d => d.Code == district)?.Name ?? district;

        var standings = new List<SchoolStanding>();
        var present = (await store.CountPresentPupilsAsync([district], term.Start, term.End, ct)).ToDictionary(p => p.SchoolId, p => (long?)p.Pupils);
        for (Guid? after = null; ;)
        {
            var page = await store.ListSchoolsAsync(new SchoolFilter([district], Limit: 500, After: after), ct);
            foreach (var school in page) standings.Add(await StandingAsync(school, term, present.GetValueOrDefault(school.Id), ct));
            if (page.Count < 500) break;
            after = page[^1].Id;
        }
        var median = Median(standings.Where(s => s.Enrolment > 0).Select(s => s.Participation).ToList());
        standings = standings.Select(s =>
        {
            var low = IsLow(s.Participation, median);
            return s with { LowParticipation = low, UnderServed = s.Gaps.Count > 0 || low };
        }).ToList();

        var under = new List<SchoolStanding>();
        foreach (var s in standings.Where(s => s.UnderServed).OrderByDescending(s => s.Gaps.Count).ThenBy(s => s.Participation).ThenBy(s => s.SchoolName, StringComparer.Ordinal))
        {
            if (!recommend) { under.Add(s); continue; }
            var school = (await store.FindAsync<School>(s.SchoolId, ct))!;
            var found = await recommendations.RecommendAsync(school, term, RecommendationsPerSchool, ct);
            under.Add(s with { Recommendations = found.Items, RemainingFen = found.RemainingFen });
        }

        static double? Average(IEnumerable<SchoolStanding> of) => of.Where(s => s.AverageTripKm is not null).Select(s => s.AverageTripKm!.Value) is var km && km.Any() ? Math.Round(km.Average(), 1) : null;
        var travel = new TravelEquity(Average(standings), Average(standings.Where(s => s.Area == SchoolArea.Urban)), Average(standings.Where(s => s.Area == SchoolArea.Rural)),
            standings.Count(s => s.Trips > 0), standings.Count(s => s.Area == SchoolArea.Rural), standings.Count(s => s.Area == SchoolArea.Urban), standings.Count(s => s.Area is null));
        return new UnderServedReport(district, districtName, term.Name, now, median, standings.Count, under,
            standings.OrderBy(s => s.SchoolName, StringComparer.Ordinal).ToList(), travel);
    }

    /// <summary><paramref name="byRollCall"/>: the school's distinct present pupils by roll call this semester, null when it has no roll.</summary>
    private async Task<SchoolStanding> StandingAsync(School school, Semester term, long? byRollCall, CancellationToken ct)
    {
        var plan = await store.FindSchoolPlanAsync(school.Id, term.Name, ct);
        IReadOnlyList<Category> gaps = [];
        if (plan is not null && await bookings.PlanSummaryOfAsync(plan, ct) is { } summary)
            gaps = plan.TargetCategories.Where(c => summary.PupilsByCategory.GetValueOrDefault(c) <= 0).ToList();
        var booked = await PlanAdvisor.BookingsInAsync(store, school.Id, term, ct);
        var enrolment = school.EnrolmentByGrade.Values.Sum();
        var served = byRollCall ?? ParticipationEstimate.PupilsServed(school, booked);

        // 走出去: live or delivered bookings of an off-campus offering, to its venue (as it is now).
        var trips = booked.Where(b => b.Snapshot?.Mode == DeliveryMode.OffCampus && b.Status is BookingStatus.Confirmed or BookingStatus.Completed).ToList();
        double? averageKm = null;
        if (trips.Count > 0)
        {
            var venues = (await store.FindManyAsync<Offering>(trips.Select(t => t.OfferingId).Distinct().ToArray(), ct))
                .Where(o => o.Content.Venue is not null).ToDictionary(o => o.Id, o => o.Content.Venue!);
            var km = trips.Where(t => venues.ContainsKey(t.OfferingId))
                .Select(t => DistrictReach.DistanceKm(school.Lat, school.Lon, venues[t.OfferingId].Lat, venues[t.OfferingId].Lon)).ToList();
            if (km.Count > 0) averageKm = Math.Round(km.Average(), 1);
        }
        var participation = enrolment == 0 ? 0 : Math.Round((decimal)served / enrolment, 4);
        return new SchoolStanding(school.Id, school.Name, school.DistrictCode, school.Area, school.Lat, school.Lon, enrolment, plan is null, gaps, served,
            participation, false, trips.Count, averageKm, false) { ByRollCall = byRollCall is not null };
    }

    /// <summary>Far below the district: under half its median (never when the median is zero: nobody is ahead).</summary>
    public static bool IsLow(decimal participation, decimal median) => median > 0 && participation < median / 2;

    public static decimal Median(List<decimal> values)
    {
        if (values.Count == 0) return 0;
        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
