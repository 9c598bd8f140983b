using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Catalog;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Tests.Matching;

/// <summary>
/// POST /api/reports/under-served/send (issue 16, "send the list"): school1 (东城 110101) plans a category it has not booked this
/// semester and provider1 offers one on campus on a Tuesday. The district's bureau sends its under-served schools their
/// recommendations; school1 reads the list it was sent (newest first, reasons in its language, the bureau named), hears it in its
/// event feed, marks it read; nobody else reads it, and only the district's own bureau sends.
/// </summary>
public sealed class RecommendationNoticeTests(DemoFactory factory) : IClassFixture<DemoFactory>, IAsyncLifetime
{
    private Guid _schoolId, _offering;
    private string _semester = "";
    private Category _category;

    public async Task InitializeAsync()
    {
        var today = ChinaTime.Today(TimeProvider.System);
        var tuesday = today.AddDays(3);
        while (tuesday.DayOfWeek != DayOfWeek.Tuesday || SchoolCalendar.Default.IsPublicHoliday(tuesday)) tuesday = tuesday.AddDays(1);
        _semester = Semester.Of(ChinaTime.FromLocal(tuesday, new TimeOnly(16, 0))).Name;
        _schoolId = await factory.OrganizationOfAsync("school1");
        var school = await factory.ClientForAsync("school1");
        await PlanAsync(school, Enum.GetNames<Category>());
        var booked = (await school.GetJsonAsync($"/api/schools/{_schoolId}/plans/{_semester}"))["summary"]!["pupilsByCategory"]!.AsObject()
            .Where(c => c.Value!.GetValue<int>() > 0).Select(c => c.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        _category = Enum.GetValues<Category>().First(c => !booked.Contains(c.ToString()));
        await PlanAsync(school, [_category.ToString()]);

        var provider = await factory.ClientForAsync("provider1");
        var created = await (await provider.PostJsonAsync("/api/offerings", new
        {
            title = "推荐清单里的校园课", summary = "动手实践", category = _category.ToString(), mode = "OnCampus", grades = new[] { 3, 4 }, minGroup = 10,
            maxGroup = 40, durationMinutes = 40, priceFen = 1000, districts = new[] { "110101" },
        })).AssertStatusAsync(201);
        _offering = created["id"]!.GetValue<Guid>();
        (await provider.PostJsonAsync($"/api/offerings/{_offering}/submit", null)).EnsureSuccessStatusCode();
        (await (await factory.ClientForAsync(await factory.HomeBureauOfAsync("provider1"))).PostJsonAsync($"/api/offerings/{_offering}/approve", null)).EnsureSuccessStatusCode();
        var startsAt = ChinaTime.FromLocal(tuesday, new TimeOnly(16, 0));
        await (await provider.PostJsonAsync($"/api/offerings/{_offering}/sessions", new { startsAt, endsAt = startsAt.AddMinutes(40), capacity = 40 })).AssertStatusAsync(201);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task PlanAsync(HttpClient school, string[] categories) =>
        (await school.PutAsJsonAsync($"/api/schools/{_schoolId}/plans/{_semester}", new
        {
            targetCategories = categories,
            windows = new[] { new { dayOfWeek = "Tuesday", start = "15:40", end = "17:10" } },
            pupilsExpected = categories.ToDictionary(c => c, _ => 30), budgetFen = 10_000_000,
        })).EnsureSuccessStatusCode();

    private async Task<JsonArray> NoticesAsync(string user) =>
        (await (await (await factory.ClientForAsync(user)).GetAsync($"/api/schools/{_schoolId}/recommendation-notices")).AssertStatusAsync(200)).AsArray();

    [Fact]
    public async Task TheBureauSendsEachUnderServedSchoolItsList_TheSchoolReadsAndHearsIt_AndMarksItRead()
    {
        var school = await factory.ClientForAsync("school1");
        var feedStart = await EndOfFeedAsync(school);
        var bureau = await factory.ClientForAsync("bureau-110101");
        // Recommendations come from the offering index, which the outbox brings up to date moments after the session was added (a
        // loaded machine takes seconds): wait until the offering is recommended.
        Guid[] expected = [];
        await BookingTests.WaitForAsync(async () =>
        {
            expected = [.. (await (await bureau.GetAsync($"/api/reports/under-served?semester={_semester}&recommend=true")).AssertStatusAsync(200))["underServed"]!
                .AsArray().Single(s => s!["schoolId"]!.GetValue<Guid>() == _schoolId)!["recommendations"]!.AsArray()
                .Select(r => r!["offeringId"]!.GetValue<Guid>())];
            return expected.Contains(_offering) ? JsonValue.Create(true) : null;
        }, TimeSpan.FromSeconds(30));

        var sent = await (await bureau.PostJsonAsync($"/api/reports/under-served/send?semester={_semester}", new { })).AssertStatusAsync(200);
        Assert.Equal(_semester, sent["semester"]!.GetValue<string>());
        var toSchool1 = sent["sent"]!.AsArray().Single(s => s!["schoolId"]!.GetValue<Guid>() == _schoolId)!;
        Assert.Equal(expected.Length, toSchool1["items"]!.GetValue<int>());
        Assert.DoesNotContain(sent["nothingToSend"]!.AsArray(), s => s!["schoolId"]!.GetValue<Guid>() == _schoolId);

        // The school reads the list it was sent: the same offerings in the same order, the bureau named, reasons in Chinese, unread.
        var notice = (await NoticesAsync("school1"))[0]!;
        Assert.Equal(toSchool1["noticeId"]!.GetValue<Guid>(), notice["id"]!.GetValue<Guid>());
        Assert.Equal(expected, notice["items"]!.AsArray().Select(i => i!["offeringId"]!.GetValue<Guid>()));
        Assert.Equal("北京市东城区教育局", notice["bureauName"]!.GetValue<string>());
        Assert.Equal([_category.ToString()], notice["gaps"]!.AsArray().Select(g => g!.GetValue<string>()));
        var ours = notice["items"]!.AsArray().Single(i => i!["offeringId"]!.GetValue<Guid>() == _offering)!;
        Assert.StartsWith("缺少", ours["reason"]!.GetValue<string>());
        Assert.Contains("进校服务", ours["reason"]!.GetValue<string>());
        Assert.Null(notice["readAt"]?.GetValue<DateTimeOffset?>());
        Assert.EndsWith("+08:00", notice["sentAt"]!.GetValue<string>());

        // In English from the same facts.
        var english = new HttpRequestMessage(HttpMethod.Get, $"/api/schools/{_schoolId}/recommendation-notices") { Headers = { { "Accept-Language", "en" } } };
        var inEnglish = (await (await school.SendAsync(english)).AssertStatusAsync(200)).AsArray()[0]!["items"]!.AsArray()
            .Single(i => i!["offeringId"]!.GetValue<Guid>() == _offering)!["reason"]!.GetValue<string>();
        Assert.StartsWith("no ", inEnglish);

        // Its event feed carries the send (the plan page reloads on it).
        var events = await ReadFeedAsync(school, feedStart);
        Assert.Contains(events, e => e!["type"]!.GetValue<string>() == "recommendationsSent" && e["data"]!["noticeId"]!.GetValue<Guid>() == notice["id"]!.GetValue<Guid>());

        // Its bureaus read it too; the school marks it read once.
        Assert.Equal(notice["id"]!.GetValue<Guid>(), (await NoticesAsync("city-1101"))[0]!["id"]!.GetValue<Guid>());
        var read = await (await school.PostJsonAsync($"/api/recommendation-notices/{notice["id"]}/read", null)).AssertStatusAsync(200);
        var readAt = read["readAt"]!.GetValue<DateTimeOffset>();
        var again = await (await school.PostJsonAsync($"/api/recommendation-notices/{notice["id"]}/read", null)).AssertStatusAsync(200);
        Assert.Equal(readAt, again["readAt"]!.GetValue<DateTimeOffset>());

        // A second send is a new notice, listed first.
        var listed = (await NoticesAsync("school1")).Count;
        await (await bureau.PostJsonAsync($"/api/reports/under-served/send?semester={_semester}", new { schoolIds = new[] { _schoolId } })).AssertStatusAsync(200);
        var both = await NoticesAsync("school1");
        Assert.Equal(listed + 1, both.Count);
        Assert.Equal(notice["id"]!.GetValue<Guid>(), both[1]!["id"]!.GetValue<Guid>());
        Assert.Null(both[0]!["readAt"]?.GetValue<DateTimeOffset?>());
    }

    [Fact]
    public async Task OnlyTheDistrictsOwnBureauSends_OnlyTheSchoolAndItsBureausRead_AndASchoolNotOnTheListIsA400WithNothingSent()
    {
        var before = (await NoticesAsync("school1")).Count;
        var url = $"/api/reports/under-served/send?district=110101&semester={_semester}";
        await (await (await factory.ClientForAsync("city-1101")).PostJsonAsync(url, new { })).AssertProblemAsync(403);
        await (await (await factory.ClientForAsync("bureau-110105")).PostJsonAsync(url, new { })).AssertProblemAsync(403);
        await (await (await factory.ClientForAsync("school1")).PostJsonAsync(url, new { })).AssertProblemAsync(403);
        await (await (await factory.ClientForAsync("provider1")).PostJsonAsync(url, new { })).AssertProblemAsync(403);

        // school2 is of another district, so not on 110101's list: refused by field, and school1 is not sent anything either.
        var school2 = await factory.OrganizationOfAsync("school2");
        var refused = await (await (await factory.ClientForAsync("bureau-110101")).PostJsonAsync(url, new { schoolIds = new[] { _schoolId, school2 } }))
            .AssertProblemAsync(400, "schoolIds");
        Assert.Contains(school2.ToString(), refused.ToJsonString());
        Assert.Equal(before, (await NoticesAsync("school1")).Count);

        await (await (await factory.ClientForAsync("bureau-110101")).PostJsonAsync(url, new { schoolIds = new[] { _schoolId } })).AssertStatusAsync(200);
        var notice = (await NoticesAsync("school1"))[0]!["id"]!.GetValue<Guid>();
        foreach (var user in new[] { "school2", "provider1", "bureau-110105" })
            await (await (await factory.ClientForAsync(user)).GetAsync($"/api/schools/{_schoolId}/recommendation-notices")).AssertProblemAsync(404);
        foreach (var user in new[] { "school2", "bureau-110101" })
            await (await (await factory.ClientForAsync(user)).PostJsonAsync($"/api/recommendation-notices/{notice}/read", null)).AssertProblemAsync(user == "school2" ? 404 : 403);
        await (await (await factory.ClientForAsync("school1")).GetAsync($"/api/schools/{_schoolId}/recommendation-notices?limit=0")).AssertProblemAsync(400, "limit");
    }

    private static async Task<long> EndOfFeedAsync(HttpClient client) => (await client.ReadFeedAsync()).Next;

    private static async Task<List<JsonNode?>> ReadFeedAsync(HttpClient client, long after) => (await client.ReadFeedAsync(after)).Items;
}
