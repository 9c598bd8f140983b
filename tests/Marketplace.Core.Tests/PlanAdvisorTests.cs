using System.Reflection;
using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Tests;

/// <summary>Plan advice on a booking: codes and data, never a refusal; per semester for a booking of several sessions.</summary>
public class PlanAdvisorTests
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private static readonly DateTimeOffset Now = new(2026, 9, 1, 9, 0, 0, Beijing);
    private static readonly School School = new(Ids.New(), "东城区第一小学", "110101", "东城区某路 1 号", 39.93, 116.41, new Dictionary<int, int> { [3] = 120 });
    private static readonly Offering Football = Offering.Create(Ids.New(), new OfferingContent("校园足球", "基础训练", "", Category.Sports, DeliveryMode.OnCampus,
        [3], 1, 40, 90, 1_500, null, ["110101"], [], 24), Now);

    /// <summary>A session at Beijing wall-clock time; 2026-09-01 is a Tuesday.</summary>
    private static Session At(int year, int month, int day, int hour, int minute) =>
        Session.Schedule(Football.Id, Football.ProviderId, new DateTimeOffset(year, month, day, hour, minute, 0, Beijing).ToUniversalTime(),
            new DateTimeOffset(year, month, day, hour, minute, 0, Beijing).AddMinutes(90).ToUniversalTime(), 40);

    private static SchoolPlan Plan(string semester, long budgetFen, params Category[] targets)
    {
        var plan = SchoolPlan.Create(School.Id, semester);
        plan.Set(targets, [new PlanWindow(DayOfWeek.Tuesday, new TimeOnly(15, 40), new TimeOnly(17, 10))], new Dictionary<Category, int>(), budgetFen, Now);
        return plan;
    }

    private static Booking Booked(Session session, int pupils, long unitFen)
    {
        var snapshot = new BookingSnapshot("校园足球", "绿茵体育", School.Name, School.Address, "东城区", DeliveryMode.OnCampus, null, session.EndsAt);
        return Booking.Request(new BookingRequestFacts(session.Id, Football.Id, Football.ProviderId, School.Id, "110101", pupils, [3], "王老师", "13800138000",
            null, unitFen, session.StartsAt, 24, TimeSpan.FromHours(48), snapshot), Now, "School:s1");
    }

    [Fact]
    public async Task InTheWindow_Targeted_WithinBudget_NoWarning()
    {
        var store = PlanStore.Create([Plan("2026-2027-1", 45_000, Category.Sports)], []);

        var warnings = await new PlanAdvisor(store).CheckAsync(School, Football, [At(2026, 9, 8, 15, 40)], 30, default);

        Assert.Empty(warnings); // 30 × 1,500 = 45,000: exactly the budget
    }

    [Fact]
    public async Task NoPlanForTheSemester_IsPlanMissing()
    {
        var store = PlanStore.Create([Plan("2025-2026-2", 1_000_000, Category.Sports)], []);

        var warning = Assert.Single(await new PlanAdvisor(store).CheckAsync(School, Football, [At(2026, 9, 8, 15, 40)], 10, default));

        Assert.Equal(BookingWarnings.PlanMissing, warning.Code);
        Assert.Equal("2026-2027-1", warning.Semester);
    }

    [Fact]
    public async Task OutsideTheWindows_NamesTheSessions_AndAnUntargetedCategoryIsSaid()
    {
        var store = PlanStore.Create([Plan("2026-2027-1", 1_000_000, Category.Arts)], []);
        var tuesday = At(2026, 9, 8, 15, 40);
        var wednesday = At(2026, 9, 9, 15, 40);
        var tooLate = At(2026, 9, 15, 16, 0); // a Tuesday ending 17:30

        var warnings = await new PlanAdvisor(store).CheckAsync(School, Football, [tuesday, wednesday, tooLate], 10, default);

        Assert.Equal([BookingWarnings.OutsideWindows, BookingWarnings.CategoryNotTargeted], warnings.Select(w => w.Code));
        Assert.Equal([wednesday.Id, tooLate.Id], warnings[0].SessionIds);
        Assert.Equal(Category.Sports, warnings[1].Category);
    }

    /// <summary>Committed: the semester's live bookings by quote, completed ones by attendance; cancelled ones and other semesters not.</summary>
    [Fact]
    public async Task OverBudget_SaysTheBudget_WhatIsCommitted_AndThisBookingsPrice()
    {
        var live = Booked(At(2026, 9, 1, 15, 40), 40, 1_000);          // 40,000
        var completed = Booked(At(2026, 9, 2, 15, 40), 20, 1_000);     // 20 booked, 15 came: 15,000
        completed.Confirm(Now, "Provider:p1");
        completed.Complete(15, At(2026, 9, 2, 15, 40).EndsAt, "Provider:p1");
        var cancelled = Booked(At(2026, 9, 3, 15, 40), 40, 1_000);
        cancelled.CancelByProvider("场地维修", Now, "Provider:p1");
        var nextTerm = Booked(At(2027, 3, 2, 15, 40), 40, 1_000);
        var store = PlanStore.Create([Plan("2026-2027-1", 100_000, Category.Sports)], [live, completed, cancelled, nextTerm]);

        var fits = await new PlanAdvisor(store).CheckAsync(School, Football, [At(2026, 9, 8, 15, 40), At(2026, 9, 15, 15, 40)], 15, default);
        var over = await new PlanAdvisor(store).CheckAsync(School, Football, [At(2026, 9, 8, 15, 40), At(2026, 9, 15, 15, 40)], 16, default);

        Assert.Empty(fits); // 55,000 + 2 × 15 × 1,500 = 100,000
        var warning = Assert.Single(over);
        Assert.Equal(BookingWarnings.OverBudget, warning.Code);
        Assert.Equal((100_000L, 55_000L, 48_000L), (warning.BudgetFen!.Value, warning.CommittedFen!.Value, warning.ThisFen!.Value));
    }

    /// <summary>A booking of several sessions (a term booking) is checked once, per semester of its sessions.</summary>
    [Fact]
    public async Task SessionsOfTwoSemesters_AreCheckedAgainstEachSemestersPlan()
    {
        var store = PlanStore.Create([Plan("2026-2027-1", 1_000_000, Category.Sports)], []);
        var january = At(2027, 1, 26, 15, 40);
        var february = At(2027, 2, 2, 15, 40);

        var warnings = await new PlanAdvisor(store).CheckAsync(School, Football, [january, february], 10, default);

        var warning = Assert.Single(warnings);
        Assert.Equal((BookingWarnings.PlanMissing, "2026-2027-2"), (warning.Code, warning.Semester));
    }

    /// <summary>A store holding plans and bookings: the two reads the advisor makes, with the filter's school, session-start range and paging.</summary>
    public class PlanStore : DispatchProxy
    {
        private List<SchoolPlan> _plans = [];
        private List<Booking> _bookings = [];

        public static IMarketplaceStore Create(List<SchoolPlan> plans, List<Booking> bookings)
        {
            var store = Create<IMarketplaceStore, PlanStore>();
            ((PlanStore)(object)store)._plans = plans;
            ((PlanStore)(object)store)._bookings = bookings;
            return store;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod!.Name switch
        {
            nameof(IMarketplaceStore.FindSchoolPlanAsync) => Task.FromResult(_plans.FirstOrDefault(p => p.SchoolId == (Guid)args![0]! && p.Semester == (string)args[1]!)),
            nameof(IMarketplaceStore.ListBookingsAsync) => Task.FromResult<IReadOnlyList<Booking>>(List((BookingFilter)args![0]!)),
            nameof(IMarketplaceStore.SumCommittedFenAsync) => Task.FromResult(
                List(new BookingFilter(SchoolId: (Guid)args![0]!, Limit: int.MaxValue) { StartsFrom = (DateTimeOffset)args[1]!, StartsBefore = (DateTimeOffset)args[2]! })
                    .Sum(PlanAdvisor.CommittedFen)),
            _ => throw new NotSupportedException(targetMethod.Name),
        };

        private List<Booking> List(BookingFilter f) =>
        [
            .. _bookings.Where(b => b.SchoolId == f.SchoolId && (f.StartsFrom is null || b.SessionStartsAt >= f.StartsFrom)
                    && (f.StartsBefore is null || b.SessionStartsAt < f.StartsBefore) && (f.Before is null || b.Id.CompareTo(f.Before.Value) < 0))
                .OrderByDescending(b => b.Id).Take(f.Limit),
        ];
    }
}
