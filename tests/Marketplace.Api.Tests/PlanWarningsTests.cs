using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Tests;

/// <summary>
/// Booking outside the school's plan is allowed but said: the 201 answer lists warnings (codes and data) — outside the plan's
/// windows, a category it does not target, over its budget, no plan at all — and a replay of the same key answers the same.
/// </summary>
public class PlanWarningsTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    /// <summary>A published on-campus 体育 offering of provider1 (Beijing districts) with one 90-minute session at <paramref name="startsAt"/>.</summary>
    internal static async Task<Guid> SessionAtAsync(MarketplaceFactory factory, DateTimeOffset startsAt, long priceFen = 500, string category = "Sports")
    {
        var provider = await factory.ClientForAsync("provider1");
        var offering = await (await provider.PostJsonAsync("/api/offerings", new
        {
            title = "校园足球训练营", summary = "基础技术与团队配合", category, mode = "OnCampus", grades = new[] { 1, 2, 3, 4, 5, 6 },
            minGroup = 1, maxGroup = 40, durationMinutes = 90, priceFen, districts = new[] { "110101", "110102", "110105", "110108" },
        })).AssertStatusAsync(201);
        var id = offering["id"]!.GetValue<Guid>();
        await provider.PostJsonAsync($"/api/offerings/{id}/submit", null);
        (await (await factory.ClientForAsync("bureau-110105")).PostJsonAsync($"/api/offerings/{id}/approve", null)).EnsureSuccessStatusCode();
        var sessions = await (await provider.PostJsonAsync($"/api/offerings/{id}/sessions", new { startsAt, endsAt = startsAt.AddMinutes(90), capacity = 40 }))
            .AssertStatusAsync(201);
        return sessions.AsArray()[0]!["id"]!.GetValue<Guid>();
    }

    /// <summary>A Tuesday 15:40 Beijing at least <paramref name="daysAhead"/> days from today.</summary>
    internal static DateTimeOffset NextTuesdayAt1540(int daysAhead = 3)
    {
        var day = ChinaTime.Today(TimeProvider.System).AddDays(daysAhead);
        while (day.DayOfWeek != DayOfWeek.Tuesday) day = day.AddDays(1);
        return ChinaTime.FromLocal(day, new TimeOnly(15, 40));
    }

    /// <summary>Saves the school's plan for the semester of <paramref name="at"/>: Tuesdays 15:40–17:10.</summary>
    internal static async Task SavePlanAsync(MarketplaceFactory factory, string username, DateTimeOffset at, long budgetFen, params string[] categories)
    {
        var schoolId = await factory.OrganizationOfAsync(username);
        (await (await factory.ClientForAsync(username)).PutAsJsonAsync($"/api/schools/{schoolId}/plans/{Semester.Of(at).Name}", new
        {
            targetCategories = categories,
            windows = new[] { new { dayOfWeek = "Tuesday", start = "15:40", end = "17:10" } },
            pupilsExpected = new Dictionary<string, int>(), budgetFen,
        })).EnsureSuccessStatusCode();
    }

    private static string[] Codes(JsonNode booking) => [.. booking["warnings"]!.AsArray().Select(w => w!["code"]!.GetValue<string>())];

    [Fact]
    public async Task InsideThePlan_HasNoWarnings()
    {
        var tuesday = NextTuesdayAt1540();
        await SavePlanAsync(factory, "school1", tuesday, 100_000_000, "Sports", "Science");
        var session = await SessionAtAsync(factory, tuesday);

        var booking = await (await (await factory.ClientForAsync("school1")).SendAsync(BookingTests.Book(session, 10, [3], "plan-ok-key-0001"))).AssertStatusAsync(201);

        Assert.Empty(booking["warnings"]!.AsArray());
    }

    [Fact]
    public async Task OutsideTheWindows_UntargetedAndOverBudget_IsBooked_WithEachWarning_AndReplayedAlike()
    {
        var wednesday = NextTuesdayAt1540().AddDays(1);
        await SavePlanAsync(factory, "school2", wednesday, 0, "Arts");
        var session = await SessionAtAsync(factory, wednesday, priceFen: 700);
        var school = await factory.ClientForAsync("school2");

        var response = await school.SendAsync(BookingTests.Book(session, 10, [3], "plan-warn-key-0001"));
        var booking = await response.AssertStatusAsync(201);
        var replay = await school.SendAsync(BookingTests.Book(session, 10, [3], "plan-warn-key-0001"));

        Assert.Equal("Requested", booking["status"]!.GetValue<string>());
        Assert.Equal(["plan-outside-windows", "plan-category-not-targeted", "plan-over-budget"], Codes(booking));
        var warnings = booking["warnings"]!.AsArray();
        Assert.All(warnings, w => Assert.Equal(Semester.Of(wednesday).Name, w!["semester"]!.GetValue<string>()));
        Assert.Equal([session], warnings[0]!["sessionIds"]!.AsArray().Select(s => s!.GetValue<Guid>()));
        Assert.Equal("Sports", warnings[1]!["category"]!.GetValue<string>());
        Assert.Equal(0, warnings[2]!["budgetFen"]!.GetValue<long>());
        Assert.Equal(7_000, warnings[2]!["thisFen"]!.GetValue<long>());
        Assert.True(warnings[2]!["committedFen"]!.GetValue<long>() >= 0);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(booking.ToJsonString(), (await replay.ReadJsonAsync()).ToJsonString());
    }

    [Fact]
    public async Task WithoutAPlanForTheSemester_IsPlanMissing()
    {
        // A semester ahead with no plan: the demo seeds plans for 2026-2027-1 only.
        var later = NextTuesdayAt1540(daysAhead: 400);
        var session = await SessionAtAsync(factory, later);

        var booking = await (await (await factory.ClientForAsync("school3")).SendAsync(BookingTests.Book(session, 5, [3], "plan-none-key-001"))).AssertStatusAsync(201);

        var warning = Assert.Single(booking["warnings"]!.AsArray())!;
        Assert.Equal("plan-missing", warning["code"]!.GetValue<string>());
        Assert.Equal(Semester.Of(later).Name, warning["semester"]!.GetValue<string>());
    }
}
