using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests;

/// <summary>Bookings and school plans refuse invisible or control-laden text and overlong lists (issue 10 #2, #3, #4).</summary>
public class BookingAndPlanInputTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private static string J(object value) => JsonSerializer.Serialize(value);

    public static TheoryData<string, string, string> BadBookings => new()
    {
        { "contactName", J("\u001b[31m李老师\u001b[0m"), "contactName" },
        { "contactName", J("\u200b\u200c"), "contactName" },
        { "contactName", J("\u0000"), "contactName" },
        { "contactPhone", J("       "), "contactPhone" },
        { "note", J("请准备\u0000材料"), "note" },
        { "note", J("\u200b"), "note" },
        { "note", J(new string('备', 501)), "note" },
        { "grades", J(Enumerable.Repeat(3, 10_000).ToArray()), "grades" },
        { "grades", J(new[] { 3, 3 }), "grades" },
    };

    [Theory]
    [MemberData(nameof(BadBookings))]
    public async Task Book_WithBadContent_Is400NamingTheField_AndReservesNothing(string path, string json, string field)
    {
        var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 40);
        var school = await factory.ClientForAsync("school1");
        var sessionsBefore = await provider.GetStringAsync($"/api/offerings/{offeringId}/sessions");
        var body = CatalogInputTests.With(new { sessionId, pupils = 5, grades = new[] { 3 }, contactName = "李老师", contactPhone = "13900001111", note = "" }, path, json);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", "bad-input-" + Guid.NewGuid().ToString("N"));

        await (await school.SendAsync(request)).AssertProblemAsync(400, field);
        Assert.Equal(sessionsBefore, await provider.GetStringAsync($"/api/offerings/{offeringId}/sessions"));
        Assert.Empty((await school.GetJsonAsync($"/api/bookings?offeringId={offeringId}")).AsArray());
    }

    [Fact]
    public async Task BookingReasons_RefuseControlAndInvisibleText_AndChangeNothing()
    {
        var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 40);
        var school = await factory.ClientForAsync("school1");
        var booking = await (await school.SendAsync(BookingTests.Book(sessionId, 5, [3], "reason-test-" + Guid.NewGuid().ToString("N"), "第一节课前到校\n请带水杯"))).ReadJsonAsync();
        Assert.Equal("第一节课前到校\n请带水杯", booking["note"]!.GetValue<string>());
        var id = booking["id"]!.GetValue<Guid>();
        var before = await provider.GetStringAsync($"/api/bookings/{id}");
        var sessionsBefore = await provider.GetStringAsync($"/api/offerings/{offeringId}/sessions");

        await (await provider.PostJsonAsync($"/api/bookings/{id}/decline", new { reason = "\u001b[2J名额已满" })).AssertProblemAsync(400, "reason");
        await (await provider.PostJsonAsync($"/api/bookings/{id}/cancel", new { reason = "\u200b" })).AssertProblemAsync(400, "reason");
        await (await school.PostJsonAsync($"/api/bookings/{id}/cancel", new { reason = "\u200d\u2060" })).AssertProblemAsync(400, "reason");
        await (await provider.PostJsonAsync($"/api/offerings/{offeringId}/sessions/{sessionId}/cancel", new { reason = "天气\u0000" })).AssertProblemAsync(400, "reason");

        Assert.Equal(before, await provider.GetStringAsync($"/api/bookings/{id}"));
        Assert.Equal(sessionsBefore, await provider.GetStringAsync($"/api/offerings/{offeringId}/sessions"));
    }

    private static object Plan(object? windows = null, object? targetCategories = null) => new
    {
        targetCategories = targetCategories ?? new[] { "Science", "Labour" },
        windows = windows ?? new[] { new { dayOfWeek = "Wednesday", start = "15:30", end = "17:00" } },
        pupilsExpected = new Dictionary<string, int> { ["Science"] = 80 }, budgetFen = 1_200_000,
    };

    private static object[] Windows(int n) => Enumerable.Range(0, n).Select(_ => new { dayOfWeek = "Monday", start = "15:30", end = "17:00" }).ToArray<object>();

    public static TheoryData<string, string> BadPlans => new()
    {
        // 4,000 windows is 200 KB: over the bound, under any sensible body limit, so the answer is the field's 400.
        { J(Plan(windows: Windows(Marketplace.Core.Schools.SchoolCommands.MaxWindows + 1))), "windows" },
        { J(Plan(windows: Windows(4_000))), "windows" },
        { J(Plan(targetCategories: Enumerable.Repeat("Arts", 10_000).ToArray())), "targetCategories" },
        { J(Plan(targetCategories: new[] { "Arts", "Science", "Arts" })), "targetCategories" },
    };

    [Theory]
    [MemberData(nameof(BadPlans))]
    public async Task SavePlan_WithOverlongLists_Is400NamingTheField_AndKeepsThePlan(string json, string field)
    {
        var schoolId = await factory.OrganizationOfAsync("school2");
        var school = await factory.ClientForAsync("school2");
        var before = await school.GetStringAsync($"/api/schools/{schoolId}/plans/2026-2027-1");
        var response = await school.PutAsync($"/api/schools/{schoolId}/plans/2026-2027-1", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        await response.AssertProblemAsync(400, field);
        Assert.Equal(before, await school.GetStringAsync($"/api/schools/{schoolId}/plans/2026-2027-1"));
    }

    [Theory]
    [InlineData("2026-2027-1%0A")] // a trailing line feed once made a second plan for the same semester
    [InlineData("20%D9%A2%D9%A6-2027-1")] // Arabic-Indic digits
    public async Task SavePlan_ForAMalformedSemester_Is400_AndCreatesNoPlan(string semester)
    {
        var schoolId = await factory.OrganizationOfAsync("school3");
        var school = await factory.ClientForAsync("school3");
        await (await school.PutAsJsonAsync($"/api/schools/{schoolId}/plans/{semester}", Plan())).AssertProblemAsync(400, "semester");
        Assert.Equal(HttpStatusCode.NotFound, (await school.GetAsync($"/api/schools/{schoolId}/plans/{semester}")).StatusCode);
    }

    [Fact]
    public async Task PendingProvider_KeepsDrafting_ButCannotSubmitUntilApproved()
    {
        var pending = await factory.ClientForAsync("provider19");
        var created = await pending.PostJsonAsync("/api/offerings", Demo.OfferingBody("少儿陶艺体验课"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJsonAsync())["id"]!.GetValue<Guid>();
        var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/offerings/{id}") { Content = JsonContent.Create(Demo.OfferingBody("少儿陶艺与彩绘体验课")) };
        edit.Headers.IfMatch.Add(created.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await pending.SendAsync(edit)).StatusCode);
        var start = Demo.SchoolDay(DateTimeOffset.UtcNow.AddDays(10));
        Assert.Equal(HttpStatusCode.Created, (await pending.PostJsonAsync($"/api/offerings/{id}/sessions", new { startsAt = start, endsAt = start.AddHours(1), capacity = 20 })).StatusCode);

        var submit = await pending.PostJsonAsync($"/api/offerings/{id}/submit", null);
        Assert.Equal("provider-not-approved", (await submit.AssertProblemAsync(409))["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient().GetAsync($"/api/offerings/{id}")).StatusCode);
        Assert.Equal("Draft", (await pending.GetJsonAsync($"/api/offerings/{id}"))["status"]!.GetValue<string>());
    }
}
