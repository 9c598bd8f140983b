using System.Net;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests;

public class SessionTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private async Task<(HttpClient, Guid)> DraftAsync()
    {
        var client = await factory.ClientForAsync("provider4");
        var body = await (await client.PostJsonAsync("/api/offerings", Demo.OfferingBody("少儿合唱团"))).ReadJsonAsync();
        return (client, body["id"]!.GetValue<Guid>());
    }

    private static object Weekly(int year) => new
    {
        capacity = 30,
        recurrence = new
        {
            daysOfWeek = new[] { "Tuesday", "Thursday" }, startTime = "15:40", endTime = "17:10",
            from = $"{year}-09-01", to = $"{year + 1}-01-15", skipDates = new[] { $"{year}-11-12" },
        },
    };

    [Fact]
    public async Task WeeklyRecurrence_CreatesShanghaiTimedSessions_SkippingListedDates()
    {
        var (client, id) = await DraftAsync();
        var year = DateTime.UtcNow.Year + 1;
        var created = (await (await client.PostJsonAsync($"/api/offerings/{id}/sessions", Weekly(year))).ReadJsonAsync()).AsArray();
        Assert.InRange(created.Count, 36, 40);
        var first = created[0]!;
        Assert.Equal("15:40–17:10", first["localTime"]!.GetValue<string>());
        Assert.Equal(TimeSpan.FromHours(8), first["startsAt"]!.GetValue<DateTimeOffset>().Offset);
        Assert.DoesNotContain(created, s => s!["localDate"]!.GetValue<string>().StartsWith($"{year}-11-12", StringComparison.Ordinal));
        var listed = (await client.GetJsonAsync($"/api/offerings/{id}/sessions")).AsArray();
        Assert.Equal(created.Count, listed.Count);
        Assert.All(listed, s => Assert.Equal(30, s!["freeSeats"]!.GetValue<int>()));
    }

    [Fact]
    public async Task OverlappingSession_IsRefused()
    {
        var (client, id) = await DraftAsync();
        var start = Demo.SchoolDay(DateTimeOffset.UtcNow.AddDays(10));
        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync($"/api/offerings/{id}/sessions", new { startsAt = start, endsAt = start.AddHours(1), capacity = 10 })).StatusCode);
        var clash = await client.PostJsonAsync($"/api/offerings/{id}/sessions", new { startsAt = start.AddMinutes(30), endsAt = start.AddHours(2), capacity = 10 });
        Assert.Equal("session-overlap", (await clash.AssertProblemAsync(409))["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartsAtWithoutOffset_IsBeijingTime()
    {
        var (client, id) = await DraftAsync();
        var year = DateTime.UtcNow.Year + 1;
        var created = await (await client.PostJsonAsync($"/api/offerings/{id}/sessions",
            new { startsAt = $"{year}-03-02T15:40:00", endsAt = $"{year}-03-02T17:10:00", capacity = 10 })).ReadJsonAsync();
        Assert.Equal(new DateTimeOffset(year, 3, 2, 15, 40, 0, TimeSpan.FromHours(8)), created.AsArray()[0]!["startsAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal("15:40–17:10", created.AsArray()[0]!["localTime"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"startsAt":"0001-01-01T00:00:00","endsAt":"0001-01-01T01:00:00","capacity":10}""", "startsAt")]
    [InlineData("""{"capacity":10,"recurrence":{"daysOfWeek":["Monday"],"startTime":"15:40","endTime":"17:10","from":"0001-01-01","to":"0001-06-01"}}""", "recurrence.from")]
    public async Task YearsOutsideTheSupportedRange_Are400(string body, string field)
    {
        var (client, id) = await DraftAsync();
        var response = await client.PostAsync($"/api/offerings/{id}/sessions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.AssertProblemAsync(400);
        Assert.Contains(field, problem.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty((await client.GetJsonAsync($"/api/offerings/{id}/sessions")).AsArray());
    }

    [Theory]
    [InlineData(0, "capacity")]
    [InlineData(-5, "capacity")]
    public async Task BadCapacity_Is400(int capacity, string field)
    {
        var (client, id) = await DraftAsync();
        var start = Demo.SchoolDay(DateTimeOffset.UtcNow.AddDays(3));
        await (await client.PostJsonAsync($"/api/offerings/{id}/sessions", new { startsAt = start, endsAt = start.AddHours(1), capacity })).AssertProblemAsync(400, field);
        Assert.Empty((await client.GetJsonAsync($"/api/offerings/{id}/sessions")).AsArray());
    }

    [Fact]
    public async Task UnbookedSession_CanBeDeleted_AndCancelNeedsReason()
    {
        var (client, id) = await DraftAsync();
        var start = Demo.SchoolDay(DateTimeOffset.UtcNow.AddDays(5));
        var sessions = (await (await client.PostJsonAsync($"/api/offerings/{id}/sessions", new { startsAt = start, endsAt = start.AddHours(1), capacity = 10 })).ReadJsonAsync()).AsArray();
        var other = (await (await client.PostJsonAsync($"/api/offerings/{id}/sessions", new { startsAt = start.AddDays(1), endsAt = start.AddDays(1).AddHours(1), capacity = 10 })).ReadJsonAsync()).AsArray();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/offerings/{id}/sessions/{sessions[0]!["id"]}")).StatusCode);
        await (await client.PostJsonAsync($"/api/offerings/{id}/sessions/{other[0]!["id"]}/cancel", new { })).AssertProblemAsync(400, "reason");
        var cancelled = await (await client.PostJsonAsync($"/api/offerings/{id}/sessions/{other[0]!["id"]}/cancel", new { reason = "场馆检修" })).ReadJsonAsync();
        Assert.Equal("Cancelled", cancelled["status"]!.GetValue<string>());
        Assert.Equal(0, cancelled["freeSeats"]!.GetValue<int>());
    }

    [Fact]
    public async Task AnotherProvider_CannotScheduleOnMyOffering()
    {
        var (_, id) = await DraftAsync();
        var other = await factory.ClientForAsync("provider5");
        var start = Demo.SchoolDay(DateTimeOffset.UtcNow.AddDays(3));
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostJsonAsync($"/api/offerings/{id}/sessions", new { startsAt = start, endsAt = start.AddHours(1), capacity = 10 })).StatusCode);
    }
}
