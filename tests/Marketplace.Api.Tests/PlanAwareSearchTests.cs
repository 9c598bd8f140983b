using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Tests;

/// <summary>
/// Search by weekday, time of day and the school's own 一校一案 windows (fitsPlan), and the radius around a school that takes in
/// 请进来 offerings serving its district. One on-campus offering of provider1 with a Tuesday 15:40–17:10 and a Saturday
/// 09:00–10:30 session, both Beijing time, in one semester; school1 (东城 110101) plans Tuesdays 15:40–17:10.
/// </summary>
public class PlanAwareSearchTests(DemoFactory factory) : IClassFixture<DemoFactory>, IAsyncLifetime
{
    private const string Title = "周二科创实验课甲";
    private Guid _offeringId, _tuesdayId, _saturdayId;
    private DateOnly _tuesday, _saturday;

    public async Task InitializeAsync()
    {
        // The next Tuesday at least 3 days ahead, and a Saturday 4 days after it, or 3 days before it when that crosses into another semester.
        var today = ChinaTime.Today(TimeProvider.System);
        _tuesday = today.AddDays(3);
        while (_tuesday.DayOfWeek != DayOfWeek.Tuesday) _tuesday = _tuesday.AddDays(1);
        _saturday = Semester.Of(_tuesday.AddDays(4)) == Semester.Of(_tuesday) ? _tuesday.AddDays(4) : _tuesday.AddDays(-3);

        var provider = await factory.ClientForAsync("provider1");
        var offering = await (await provider.PostJsonAsync("/api/offerings", new
        {
            title = Title, summary = "动手做科学小实验", category = "Science", mode = "OnCampus", grades = new[] { 3, 4, 5 },
            minGroup = 1, maxGroup = 40, durationMinutes = 90, priceFen = 1000, districts = new[] { "110101", "110105" },
        })).AssertStatusAsync(201);
        _offeringId = offering["id"]!.GetValue<Guid>();
        await provider.PostJsonAsync($"/api/offerings/{_offeringId}/submit", null);
        (await (await factory.ClientForAsync("bureau-110105")).PostJsonAsync($"/api/offerings/{_offeringId}/approve", null)).EnsureSuccessStatusCode();
        _tuesdayId = await ScheduleAsync(provider, _tuesday, new TimeOnly(15, 40));
        _saturdayId = await ScheduleAsync(provider, _saturday, new TimeOnly(9, 0));

        var schoolId = await factory.OrganizationOfAsync("school1");
        (await (await factory.ClientForAsync("school1")).PutAsJsonAsync($"/api/schools/{schoolId}/plans/{Semester.Of(_tuesday).Name}", new
        {
            targetCategories = new[] { "Science" },
            windows = new[] { new { dayOfWeek = "Tuesday", start = "15:40", end = "17:10" } },
            pupilsExpected = new Dictionary<string, int> { ["Science"] = 60 }, budgetFen = 1_000_000,
        })).EnsureSuccessStatusCode();
        // Both sessions are in the index before any test asks.
        await BookingTests.WaitForAsync(async () => await HitAsync("") is { } hit && hit["upcoming"]!.AsArray().Count == 2 ? hit : null, TimeSpan.FromSeconds(10));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<Guid> ScheduleAsync(HttpClient provider, DateOnly day, TimeOnly start)
    {
        var startsAt = ChinaTime.FromLocal(day, start);
        var created = await (await provider.PostJsonAsync($"/api/offerings/{_offeringId}/sessions", new { startsAt, endsAt = startsAt.AddMinutes(90), capacity = 30 }))
            .AssertStatusAsync(201);
        return created.AsArray()[0]!["id"]!.GetValue<Guid>();
    }

    /// <summary>The test offering among the hits of <paramref name="query"/>, or null.</summary>
    private async Task<JsonNode?> HitAsync(string query, HttpClient? client = null)
    {
        var result = await (client ?? factory.CreateClient()).GetJsonAsync($"/api/search/offerings?pageSize=100&q={Uri.EscapeDataString(Title)}&{query}");
        return result["items"]!.AsArray().FirstOrDefault(i => i!["id"]!.GetValue<Guid>() == _offeringId);
    }

    [Fact]
    public async Task Weekday_Matches_TheSessionsBeijingStartDay_AndMayBeRepeated()
    {
        var tuesday = await HitAsync("weekday=2");
        Assert.NotNull(tuesday);
        Assert.Equal(_tuesdayId, tuesday["nextSession"]!["id"]!.GetValue<Guid>());
        // Both sessions are listed in start order, each saying whether it fits the asked weekdays.
        Guid[] byStart = _tuesday < _saturday ? [_tuesdayId, _saturdayId] : [_saturdayId, _tuesdayId];
        var upcoming = tuesday["upcoming"]!.AsArray();
        Assert.Equal(byStart, upcoming.Select(u => u!["id"]!.GetValue<Guid>()));
        Assert.Equal(byStart.Select(id => id == _tuesdayId), upcoming.Select(u => u!["fits"]!.GetValue<bool>()));
        Assert.All((await HitAsync(""))!["upcoming"]!.AsArray(), u => Assert.Null(u!["fits"])); // no windows asked: no verdict
        Assert.Equal(_saturdayId, (await HitAsync("weekday=6"))!["nextSession"]!["id"]!.GetValue<Guid>());
        Assert.NotNull(await HitAsync("weekday=3&weekday=6"));
        Assert.Null(await HitAsync("weekday=3&weekday=4"));
    }

    [Fact]
    public async Task TimeOfDay_StartAfterAndEndBefore_HoldForTheSameSession()
    {
        Assert.Equal(_tuesdayId, (await HitAsync("startAfter=15:30&endBefore=17:30"))!["nextSession"]!["id"]!.GetValue<Guid>());
        Assert.Equal(_saturdayId, (await HitAsync("endBefore=11:00"))!["nextSession"]!["id"]!.GetValue<Guid>());
        Assert.Null(await HitAsync("startAfter=16:00")); // the Tuesday starts at 15:40, the Saturday in the morning
        Assert.Null(await HitAsync("weekday=6&startAfter=15:00")); // a Saturday afternoon: the Saturday session is in the morning
    }

    /// <summary>fitsPlan: the school's windows for the semester; the hit's upcoming sessions say which of them fit.</summary>
    [Fact]
    public async Task FitsPlan_KeepsSessionsInTheSchoolsWindows_ForItsSemester()
    {
        var school = await factory.ClientForAsync("school1");
        var from = $"from={Semester.Of(_tuesday).FirstDay:yyyy-MM-dd}";

        var hit = await HitAsync($"fitsPlan=true&{from}", school);

        Assert.NotNull(hit);
        Assert.Equal(_tuesdayId, hit["nextSession"]!["id"]!.GetValue<Guid>());
        Assert.True(Upcoming(hit, _tuesdayId)["fits"]!.GetValue<bool>());
        Assert.False(Upcoming(hit, _saturdayId)["fits"]!.GetValue<bool>());
        Assert.Null(await HitAsync($"fitsPlan=true&weekday=6&{from}", school)); // the plan narrowed to Saturdays: none
        if (Semester.Of(DateTimeOffset.UtcNow) == Semester.Of(_tuesday))
            Assert.NotNull(await HitAsync("fitsPlan=true", school)); // no dates: this semester's plan and range
    }

    [Theory]
    [InlineData("weekday=8", "weekday", "query.weekday")]
    [InlineData("weekday=2,4", "weekday", "query.weekday")]
    [InlineData("weekday=Tuesday", "weekday", "query.weekday")]
    [InlineData("startAfter=25:00", "startAfter", "query.time-of-day")]
    [InlineData("endBefore=5pm", "endBefore", "query.time-of-day")]
    [InlineData("startAfter=17:00&endBefore=16:00", "endBefore", "query.end-before-after-start")]
    [InlineData("fitsPlan=yes", "fitsPlan", "query.boolean")]
    [InlineData("fitsPlan=true", "fitsPlan", "query.fits-plan-school")]
    public async Task BadPlanParameter_Is400NamingIt(string query, string field, string code)
    {
        var problem = await (await factory.CreateClient().GetAsync("/api/search/offerings?" + query)).AssertProblemAsync(400, field);
        Assert.Equal(code, problem["codes"]![field]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task FitsPlan_WithoutAPlanForTheSemester_Is400()
    {
        var school = await factory.ClientForAsync("school1");
        var problem = await (await school.GetAsync("/api/search/offerings?fitsPlan=true&from=2031-03-01")).AssertProblemAsync(400, "fitsPlan");
        Assert.Equal("query.fits-plan-no-plan", problem["codes"]!["fitsPlan"]![0]!.GetValue<string>());
        // A provider has no plan of its own to fit.
        await (await (await factory.ClientForAsync("provider1")).GetAsync("/api/search/offerings?fitsPlan=true")).AssertProblemAsync(400, "fitsPlan");
    }

    /// <summary>请进来 has no venue to measure: around a school, an on-campus offering serving its district is "comes to you", distance 0.</summary>
    [Fact]
    public async Task SchoolRadius_IncludesOnCampusOfferingsServingItsDistrict_AtDistanceZero()
    {
        var school = await factory.ClientForAsync("school1");

        var hit = await HitAsync("radiusKm=1&sort=distance", school);
        var elsewhere = await HitAsync("radiusKm=1&sort=distance", await factory.ClientForAsync("school4")); // 海淀 110108: not served

        Assert.NotNull(hit);
        Assert.Equal(0, hit["distanceKm"]!.GetValue<double>());
        Assert.True(hit["comesToYou"]!.GetValue<bool>());
        Assert.Null(elsewhere);
        Assert.Null(await HitAsync("lat=39.92&lon=116.41&radiusKm=1")); // a point of one's own measures venues only
        var all = (await school.GetJsonAsync("/api/search/offerings?radiusKm=3&sort=distance&pageSize=100"))["items"]!.AsArray();
        var distances = all.Select(i => i!["distanceKm"]!.GetValue<double>()).ToList();
        Assert.Equal(distances.Order(), distances);
        Assert.All(all.Where(i => i!["comesToYou"]!.GetValue<bool>()), i => Assert.Equal(0, i!["distanceKm"]!.GetValue<double>()));
    }

    private static JsonNode Upcoming(JsonNode hit, Guid sessionId) => hit["upcoming"]!.AsArray().Single(u => u!["id"]!.GetValue<Guid>() == sessionId)!;
}
