using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

/// <summary>
/// Advice on a booking against the school's 一校一案, never a refusal: a code (resource key <c>warning.{code}</c> for the UI, as
/// <c>cause.*</c>) and its data. <see cref="Semester"/> names the plan it was checked against.
/// </summary>
public sealed record BookingWarning(string Code)
{
    public string? Semester { get; init; }

    /// <summary><c>plan-outside-windows</c>: the sessions outside every window of the plan.</summary>
    public IReadOnlyList<Guid>? SessionIds { get; init; }

    /// <summary><c>plan-category-not-targeted</c>: the offering's category, which the plan does not target.</summary>
    public Category? Category { get; init; }

    /// <summary><c>plan-over-budget</c>: the plan's budget, what the school's bookings of the semester already commit, and this booking's price.</summary>
    public long? BudgetFen { get; init; }

    public long? CommittedFen { get; init; }

    public long? ThisFen { get; init; }
}

public static class BookingWarnings
{
    public const string PlanMissing = "plan-missing";
    public const string OutsideWindows = "plan-outside-windows";
    public const string CategoryNotTargeted = "plan-category-not-targeted";
    public const string OverBudget = "plan-over-budget";
}

/// <summary>
/// Checks a booking of one or more sessions (a single booking, or a series: one call with every session) against the school's
/// plan of each session's semester: is there a plan, do the sessions lie in its weekly windows, does it target the offering's
/// category, and does the price fit what is left of its budget. Booking outside the plan is allowed (DOMAIN: the plan guides,
/// the school decides); the answer says so.
/// </summary>
public sealed class PlanAdvisor(IMarketplaceStore store)
{
    /// <param name="pupils">The group booked on each session.</param>
    public async Task<IReadOnlyList<BookingWarning>> CheckAsync(School school, Offering offering, IReadOnlyList<Session> sessions, int pupils, CancellationToken ct = default)
    {
        var warnings = new List<BookingWarning>();
        foreach (var group in sessions.GroupBy(s => Semester.Of(s.StartsAt)).OrderBy(g => g.Key.Start))
        {
            var semester = group.Key.Name;
            var plan = await store.FindSchoolPlanAsync(school.Id, semester, ct);
            if (plan is null)
            {
                warnings.Add(new BookingWarning(BookingWarnings.PlanMissing) { Semester = semester });
                continue;
            }
            var outside = group.Where(s => !Fits(plan, s.StartsAt, s.EndsAt)).Select(s => s.Id).ToArray();
            if (outside.Length > 0)
                warnings.Add(new BookingWarning(BookingWarnings.OutsideWindows) { Semester = semester, SessionIds = outside });
            if (!plan.TargetCategories.Contains(offering.Content.Category))
                warnings.Add(new BookingWarning(BookingWarnings.CategoryNotTargeted) { Semester = semester, Category = offering.Content.Category });
            var thisFen = checked(offering.Content.PriceFen * pupils * group.Count());
            // Summed by the store: reading the semester's bookings here made every booking request slower as the school booked more
            // (146 vs 390 bookings/s in the bookings benchmark).
            var committed = await store.SumCommittedFenAsync(school.Id, group.Key.Start, group.Key.End, ct);
            if (committed + thisFen > plan.BudgetFen)
                warnings.Add(new BookingWarning(BookingWarnings.OverBudget) { Semester = semester, BudgetFen = plan.BudgetFen, CommittedFen = committed, ThisFen = thisFen });
        }
        return warnings;
    }

    /// <summary>In one of the plan's weekly windows (Beijing weekday, start and end); a plan without windows sets no times.</summary>
    public static bool Fits(SchoolPlan plan, DateTimeOffset startsAt, DateTimeOffset endsAt)
    {
        if (plan.Windows.Count == 0) return true;
        var (day, start, end) = ChinaTime.WeekSlot(startsAt, endsAt);
        return plan.Windows.Any(w => w.DayOfWeek == day && start >= Minutes(w.Start) && end <= Minutes(w.End));
    }

    /// <summary>What a booking commits of the school's fund: its quote while live; once completed, the pupils who attended (据实结算).</summary>
    public static long CommittedFen(Booking b) => b.Status switch
    {
        BookingStatus.Requested or BookingStatus.Confirmed => b.Quote.TotalFen,
        BookingStatus.Completed => b.Attended is { } attended ? b.Quote.UnitPriceFen * attended : b.Quote.TotalFen,
        _ => 0,
    };

    /// <summary>The school's bookings whose session starts in the semester, every status, read page by page.</summary>
    public static async Task<IReadOnlyList<Booking>> BookingsInAsync(IMarketplaceStore store, Guid schoolId, Semester semester, CancellationToken ct)
    {
        const int page = 500;
        var all = new List<Booking>();
        Guid? before = null;
        while (true)
        {
            var found = await store.ListBookingsAsync(new BookingFilter(SchoolId: schoolId, Limit: page, Before: before)
            {
                StartsFrom = semester.Start,
                StartsBefore = semester.End,
            }, ct);
            all.AddRange(found);
            if (found.Count < page) return all;
            before = found[^1].Id;
        }
    }

    private static int Minutes(TimeOnly time) => time.Hour * 60 + time.Minute;
}
