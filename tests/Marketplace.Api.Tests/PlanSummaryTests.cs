using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Schools;

namespace Marketplace.Api.Tests;

/// <summary>GET /api/schools/{id}/plans/{semester} shows where the school's bookings of that semester stand against its plan.</summary>
public class PlanSummaryTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private async Task<JsonNode> SummaryAsync(HttpClient client, Guid schoolId, string semester) =>
        (await client.GetJsonAsync($"/api/schools/{schoolId}/plans/{semester}"))["summary"]!;

    [Fact]
    public async Task Summary_CountsSessionsPupilsByCategorySpendAndOutsideWindows_AndACancelGivesItBack()
    {
        var tuesday = PlanWarningsTests.NextTuesdayAt1540();
        var semester = Semester.Of(tuesday).Name;
        await PlanWarningsTests.SavePlanAsync(factory, "school4", tuesday, 50_000, "Science", "Labour");
        var schoolId = await factory.OrganizationOfAsync("school4");
        var school = await factory.ClientForAsync("school4");
        var before = await SummaryAsync(school, schoolId, semester);
        // The same Labour offering on two Tuesdays in the window (one class of 12, then 10 of it); a Science session on a Wednesday.
        var inWindow = await PlanWarningsTests.SessionAtAsync(factory, tuesday, priceFen: 1_000, category: "Labour");
        var outside = await PlanWarningsTests.SessionAtAsync(factory, tuesday.AddDays(1), priceFen: 2_000, category: "Science");
        (await school.SendAsync(BookingTests.Book(inWindow, 12, [3], "plan-sum-key-0001"))).EnsureSuccessStatusCode();
        var cancelled = await (await school.SendAsync(BookingTests.Book(outside, 5, [3], "plan-sum-key-0002"))).AssertStatusAsync(201);

        var after = await SummaryAsync(school, schoolId, semester);
        (await school.PostJsonAsync($"/api/bookings/{cancelled["id"]}/cancel", new { reason = "改期" })).EnsureSuccessStatusCode();
        var afterCancel = await SummaryAsync(school, schoolId, semester);

        int Int(JsonNode n, string f) => n[f]!.GetValue<int>();
        long Long(JsonNode n, string f) => n[f]!.GetValue<long>();
        int Category(JsonNode n, string c) => n["pupilsByCategory"]![c]?.GetValue<int>() ?? 0;
        Assert.Equal(Int(before, "bookedSessions") + 2, Int(after, "bookedSessions"));
        Assert.Equal(Int(before, "pupilSessions") + 17, Int(after, "pupilSessions"));
        Assert.Equal(Category(before, "Labour") + 12, Category(after, "Labour"));
        Assert.Equal(Category(before, "Science") + 5, Category(after, "Science"));
        Assert.Equal(Long(before, "committedFen") + 12_000 + 10_000, Long(after, "committedFen"));
        Assert.Equal(50_000, Long(after, "budgetFen"));
        Assert.Equal(50_000 - Long(after, "committedFen"), Long(after, "remainingFen"));
        Assert.Equal(Int(before, "outsideWindows") + 1, Int(after, "outsideWindows"));
        // The cancelled booking no longer counts.
        Assert.Equal(Int(before, "bookedSessions") + 1, Int(afterCancel, "bookedSessions"));
        Assert.Equal(Long(before, "committedFen") + 12_000, Long(afterCancel, "committedFen"));
        Assert.Equal(Int(before, "outsideWindows"), Int(afterCancel, "outsideWindows"));
    }

    [Fact]
    public async Task Summary_IsForTheSchoolAndItsBureau_OthersGet404()
    {
        var schoolId = await factory.OrganizationOfAsync("school1");
        var semester = "2026-2027-1"; // seeded for every demo school

        var own = await (await factory.ClientForAsync("school1")).GetJsonAsync($"/api/schools/{schoolId}/plans/{semester}");
        var bureau = await (await factory.ClientForAsync("bureau-110101")).GetJsonAsync($"/api/schools/{schoolId}/plans/{semester}");

        Assert.NotNull(own["summary"]!["committedFen"]);
        Assert.Equal(own["summary"]!.ToJsonString(), bureau["summary"]!.ToJsonString());
        Assert.Equal(own["targetCategories"]!.ToJsonString(), bureau["targetCategories"]!.ToJsonString()); // the plan as before, summary added
        Assert.Equal(HttpStatusCode.NotFound, (await (await factory.ClientForAsync("school2")).GetAsync($"/api/schools/{schoolId}/plans/{semester}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await factory.ClientForAsync("provider1")).GetAsync($"/api/schools/{schoolId}/plans/{semester}")).StatusCode);
    }
}
