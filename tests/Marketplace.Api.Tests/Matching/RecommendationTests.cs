using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Catalog;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Tests.Matching;

/// <summary>
/// GET /api/schools/{id}/recommendations (issue 16): school1 (东城 110101, grades 1–6) plans a category it has not booked this semester
/// on Tuesdays 15:40–17:10. provider1 offers four offerings of it at the same price: on campus on a Tuesday, at a venue ~3 km away on a Tuesday, on campus on a
/// Wednesday (outside the windows) and for grades 7–9 (none at school1). The first two are recommended, the one coming to the
/// school first; the others are not; once school1 books one, the category is no longer a gap and nothing is recommended.
/// </summary>
public sealed class RecommendationTests(DemoFactory factory) : IClassFixture<DemoFactory>, IAsyncLifetime
{
    private Guid _schoolId, _onCampus, _venue, _wednesday, _junior, _onCampusSession, _venueSession;
    private string _semester = "";
    private Category _category;
    private static readonly Dictionary<Category, string> Chinese = new()
    {
        [Category.Science] = "科普", [Category.Arts] = "文艺", [Category.Sports] = "体育", [Category.Reading] = "阅读", [Category.Labour] = "劳动",
        [Category.Clubs] = "兴趣小组/社团",
    };

    public async Task InitializeAsync()
    {
        var today = ChinaTime.Today(TimeProvider.System);
        var tuesday = today.AddDays(3);
        while (tuesday.DayOfWeek != DayOfWeek.Tuesday || SchoolCalendar.Default.IsPublicHoliday(tuesday)) tuesday = tuesday.AddDays(1);
        _semester = Semester.Of(ChinaTime.FromLocal(tuesday, new TimeOnly(16, 0))).Name;
        // A category school1 has no booking of this semester (the demo books some): the plan targets it alone.
        _schoolId = await factory.OrganizationOfAsync("school1");
        var school = await factory.ClientForAsync("school1");
        await PlanAsync(school, Enum.GetNames<Category>());
        var booked = (await school.GetJsonAsync($"/api/schools/{_schoolId}/plans/{_semester}"))["summary"]!["pupilsByCategory"]!.AsObject()
            .Where(c => c.Value!.GetValue<int>() > 0).Select(c => c.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        _category = Enum.GetValues<Category>().First(c => !booked.Contains(c.ToString()));
        await PlanAsync(school, [_category.ToString()]);

        var provider = await factory.ClientForAsync("provider1");
        var bureau = await factory.ClientForAsync(await factory.HomeBureauOfAsync("provider1"));
        (_onCampus, _onCampusSession) = await OfferingAsync(provider, bureau, "校园种植小农夫", "OnCampus", [3, 4], tuesday, null);
        (_venue, _venueSession) = await OfferingAsync(provider, bureau, "农场劳动体验日", "OffCampus", [3, 4], tuesday,
            new { address = "北京市东城区农耕路 3 号", lat = 39.96, lon = 116.41, districtCode = "110101" });
        (_wednesday, _) = await OfferingAsync(provider, bureau, "周三木工坊", "OnCampus", [3, 4], tuesday.AddDays(1), null);
        (_junior, _) = await OfferingAsync(provider, bureau, "初中家政课", "OnCampus", [7, 8], tuesday, null);
    }

    private async Task PlanAsync(HttpClient school, string[] categories) =>
        (await school.PutAsJsonAsync($"/api/schools/{_schoolId}/plans/{_semester}", new
        {
            targetCategories = categories,
            windows = new[] { new { dayOfWeek = "Tuesday", start = "15:40", end = "17:10" } },
            pupilsExpected = categories.ToDictionary(c => c, _ => 30), budgetFen = 10_000_000,
        })).EnsureSuccessStatusCode();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(Guid Offering, Guid Session)> OfferingAsync(HttpClient provider, HttpClient bureau, string title, string mode, int[] grades, DateOnly day, object? venue)
    {
        var created = await (await provider.PostJsonAsync("/api/offerings", new
        {
            title, summary = "动手劳动实践", category = _category.ToString(), mode, grades, minGroup = 10, maxGroup = 40, durationMinutes = 40, priceFen = 1000,
            districts = mode == "OnCampus" ? new[] { "110101" } : Array.Empty<string>(), venue,
        })).AssertStatusAsync(201);
        var id = created["id"]!.GetValue<Guid>();
        (await provider.PostJsonAsync($"/api/offerings/{id}/submit", null)).EnsureSuccessStatusCode();
        (await bureau.PostJsonAsync($"/api/offerings/{id}/approve", null)).EnsureSuccessStatusCode();
        var startsAt = ChinaTime.FromLocal(day, new TimeOnly(16, 0));
        var sessions = await (await provider.PostJsonAsync($"/api/offerings/{id}/sessions", new { startsAt, endsAt = startsAt.AddMinutes(40), capacity = 40 }))
            .AssertStatusAsync(201);
        return (id, sessions.AsArray()[0]!["id"]!.GetValue<Guid>());
    }

    private async Task<JsonNode> RecommendationsAsync(string user = "school1", string query = "limit=50") =>
        await (await factory.ClientForAsync(user)).GetJsonAsync($"/api/schools/{_schoolId}/recommendations?semester={_semester}&{query}");

    private static Guid[] Ids(JsonNode result) => result["items"]!.AsArray().Select(i => i!["offeringId"]!.GetValue<Guid>()).ToArray();

    [Fact]
    public async Task TheGapIsFilled_BySessionsInTheWindows_ForTheSchoolsGrades_TheProviderComingToTheSchoolFirst_ThenBookingClosesTheGap()
    {
        // The offerings reach the index through the outbox: wait for both (and show what came when they do not).
        var result = await RecommendationsAsync();
        for (var tries = 0; tries < 60 && !(Ids(result).Contains(_onCampus) && Ids(result).Contains(_venue)); tries++)
        {
            await Task.Delay(250);
            result = await RecommendationsAsync();
        }
        Assert.True(Ids(result).Contains(_onCampus) && Ids(result).Contains(_venue), result.ToJsonString());

        Assert.Equal([_category.ToString()], result["gaps"]!.AsArray().Select(g => g!.GetValue<string>()));
        var ids = Ids(result);
        Assert.DoesNotContain(_wednesday, ids); // its only session is outside the plan's windows
        Assert.DoesNotContain(_junior, ids);    // grades school1 does not have
        Assert.True(Array.IndexOf(ids, _onCampus) < Array.IndexOf(ids, _venue), "the provider coming to the school ranks above the venue 3 km away");
        var onCampus = result["items"]!.AsArray().Single(i => i!["offeringId"]!.GetValue<Guid>() == _onCampus)!;
        var venue = result["items"]!.AsArray().Single(i => i!["offeringId"]!.GetValue<Guid>() == _venue)!;
        Assert.True(onCampus["comesToYou"]!.GetValue<bool>());
        Assert.Equal(_onCampusSession, onCampus["sessionId"]!.GetValue<Guid>());
        Assert.Equal(30, onCampus["pupils"]!.GetValue<int>()); // the plan's expected pupils for the category
        Assert.Equal(30_000, onCampus["totalFen"]!.GetValue<long>()); // 东城 has no policy in the demo: no subsidy
        Assert.InRange(venue["distanceKm"]!.GetValue<double>(), 1, 6);
        var reason = onCampus["reason"]!.GetValue<string>();
        Assert.Contains($"缺少{Chinese[_category]}类", reason);
        Assert.Contains("进校服务", reason);
        Assert.Contains("周二16:00余40座", reason);
        Assert.Contains("补贴后每生¥10.00", reason);
        Assert.Matches(@"距离\d+\.\d公里", venue["reason"]!.GetValue<string>());

        // In English when asked.
        var english = await factory.ClientForAsync("school1");
        english.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        var en = await english.GetJsonAsync($"/api/schools/{_schoolId}/recommendations?semester={_semester}&limit=50");
        Assert.Contains("comes to your school", en["items"]!.AsArray().Single(i => i!["offeringId"]!.GetValue<Guid>() == _onCampus)!["reason"]!.GetValue<string>());

        // The school books the one coming to it: the category is no longer a gap, so nothing is recommended.
        var booking = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
        {
            Content = JsonContent.Create(new { sessionId = _onCampusSession, pupils = 30, grades = new[] { 3 }, contactName = "王老师", contactPhone = "13900001111" }),
            Headers = { { "Idempotency-Key", "recommend-gap-closed" } },
        };
        await (await (await factory.ClientForAsync("school1")).SendAsync(booking)).AssertStatusAsync(201);
        var after = await RecommendationsAsync();
        Assert.Empty(after["gaps"]!.AsArray());
        Assert.Empty(after["items"]!.AsArray());
    }

    [Fact]
    public async Task TheUnderServedList_NamesTheSchoolAndItsGap_WithRecommendations_UntilItBooks_AndIsTheBureausAlone()
    {
        var bureau = await factory.ClientForAsync("bureau-110101");
        JsonNode? Entry(JsonNode report) => report["underServed"]!.AsArray().FirstOrDefault(s => s!["schoolId"]!.GetValue<Guid>() == _schoolId);
        var report = await (await bureau.GetAsync($"/api/reports/under-served?semester={_semester}&recommend=true")).AssertStatusAsync(200);
        Assert.Equal("110101", report["districtCode"]!.GetValue<string>());
        Assert.Equal(report["all"]!.AsArray().Count, report["schools"]!.GetValue<int>());
        var entry = Entry(report)!;
        Assert.NotNull(entry);
        Assert.Equal([_category.ToString()], entry["gaps"]!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.All(entry["recommendations"]!.AsArray(), r => Assert.False(string.IsNullOrEmpty(r!["reason"]!.GetValue<string>())));
        Assert.InRange(entry["recommendations"]!.AsArray().Count, 0, 3);

        // The list to send, as CSV (UTF-8 with a BOM; Chinese headers).
        var csv = await bureau.GetAsync($"/api/reports/under-served?semester={_semester}&recommend=true&format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var text = await csv.Content.ReadAsStringAsync();
        Assert.Contains("未覆盖的计划类别", text);
        Assert.Contains(entry["schoolName"]!.GetValue<string>(), text);

        // Only bureaus: the school itself, a provider, another district's bureau are refused; a city bureau names the district.
        await (await (await factory.ClientForAsync("school1")).GetAsync("/api/reports/under-served")).AssertProblemAsync(403);
        await (await (await factory.ClientForAsync("provider1")).GetAsync("/api/reports/under-served")).AssertProblemAsync(403);
        await (await (await factory.ClientForAsync("bureau-110105")).GetAsync("/api/reports/under-served?district=110101")).AssertProblemAsync(403);
        var city = await factory.ClientForAsync("city-1101");
        await (await city.GetAsync("/api/reports/under-served")).AssertProblemAsync(400, "district");
        Assert.NotNull(Entry(await (await city.GetAsync($"/api/reports/under-served?district=110101&semester={_semester}")).AssertStatusAsync(200)));

        // The school books an offering of its gap: it leaves the list (nobody has delivered yet, so no school is below the median).
        var booking = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
        {
            Content = JsonContent.Create(new { sessionId = _onCampusSession, pupils = 30, grades = new[] { 3 }, contactName = "王老师", contactPhone = "13900001111" }),
            Headers = { { "Idempotency-Key", "under-served-gap-closed" } },
        };
        await (await (await factory.ClientForAsync("school1")).SendAsync(booking)).AssertStatusAsync(201);
        var after = await (await bureau.GetAsync($"/api/reports/under-served?semester={_semester}")).AssertStatusAsync(200);
        Assert.Null(Entry(after));
        Assert.Equal(0m, after["medianParticipation"]!.GetValue<decimal>());

        // One more confirmed 走出去 trip (to the venue ~3 km away; the demo has others): counted in the school's trips and average
        // distance, and in the urban schools' (school1 is urban).
        int TripsOf(JsonNode report) => report["all"]!.AsArray().Single(s => s!["schoolId"]!.GetValue<Guid>() == _schoolId)!["trips"]!.GetValue<int>();
        var tripsBefore = TripsOf(after);
        var trip = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
        {
            Content = JsonContent.Create(new { sessionId = _venueSession, pupils = 30, grades = new[] { 3 }, contactName = "王老师", contactPhone = "13900001111" }),
            Headers = { { "Idempotency-Key", "under-served-trip" } },
        };
        var tripId = (await (await (await factory.ClientForAsync("school1")).SendAsync(trip)).AssertStatusAsync(201))["id"]!.GetValue<Guid>();
        (await (await factory.ClientForAsync("provider1")).PostJsonAsync($"/api/bookings/{tripId}/confirm", null)).EnsureSuccessStatusCode();
        var travel = await (await bureau.GetAsync($"/api/reports/under-served?semester={_semester}")).AssertStatusAsync(200);
        var school1 = travel["all"]!.AsArray().Single(s => s!["schoolId"]!.GetValue<Guid>() == _schoolId)!;
        Assert.Equal(tripsBefore + 1, school1["trips"]!.GetValue<int>());
        Assert.True(school1["averageTripKm"]!.GetValue<double>() > 0);
        Assert.Equal("Urban", school1["area"]!.GetValue<string>());
        Assert.NotNull(travel["travel"]!["urbanKm"]);
    }

    [Fact]
    public async Task TheSchoolAndItsBureausRead_EveryoneElseIsToldThereIsNoSuchSchool_AndBadInputIsA400()
    {
        Assert.False((await RecommendationsAsync("bureau-110101"))["planMissing"]!.GetValue<bool>());
        Assert.Equal(_schoolId, (await RecommendationsAsync("city-1101"))["schoolId"]!.GetValue<Guid>());
        foreach (var user in new[] { "school2", "provider1", "bureau-110105" })
        {
            var response = await (await factory.ClientForAsync(user)).GetAsync($"/api/schools/{_schoolId}/recommendations");
            await response.AssertProblemAsync(404);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync($"/api/schools/{_schoolId}/recommendations")).StatusCode);
        var school = await factory.ClientForAsync("school1");
        await (await school.GetAsync($"/api/schools/{_schoolId}/recommendations?semester=2026-2028-3")).AssertProblemAsync(400, "semester");
        await (await school.GetAsync($"/api/schools/{_schoolId}/recommendations?limit=0")).AssertProblemAsync(400, "limit");
        // A semester without a plan: nothing targeted, said so.
        var none = await (await school.GetAsync($"/api/schools/{_schoolId}/recommendations?semester=2030-2031-1")).AssertStatusAsync(200);
        Assert.True(none["planMissing"]!.GetValue<bool>());
    }
}
