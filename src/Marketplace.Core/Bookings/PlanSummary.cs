using Marketplace.Core.Catalog;

namespace Marketplace.Core.Bookings;

/// <summary>
/// Where a school stands against its plan for a semester, from its requested, confirmed and completed bookings of sessions in
/// it. <see cref="PupilSessions"/> counts a pupil once per session (attended, once completed); <see cref="PupilsByCategory"/> counts
/// each offering's largest group on one session, summed by category, so a class booked every week counts once, as the plan's
/// expected pupils do. <see cref="RemainingFen"/> is negative when the bookings exceed the budget. <see cref="OutsideWindows"/>:
/// booked sessions outside every window of the plan.
/// </summary>
public sealed record PlanSummary(
    int BookedSessions, int PupilSessions, IReadOnlyDictionary<Category, int> PupilsByCategory, long CommittedFen, long BudgetFen,
    long RemainingFen, int OutsideWindows);
