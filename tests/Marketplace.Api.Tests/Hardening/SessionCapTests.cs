using System.Net;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Hardening;

/// <summary>Issue 10 #9: an offering holds at most 1,000 scheduled sessions that have not ended.</summary>
public class SessionCapTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    [Fact]
    public async Task SchedulingBeyondAThousandUpcomingSessions_Is409_AndWritesNothing()
    {
        var provider = await factory.ClientForAsync("provider9");
        var id = (await (await provider.PostJsonAsync("/api/offerings", Demo.OfferingBody("场次上限测试课"))).ReadJsonAsync())["id"]!.GetValue<Guid>();
        var from = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(2);
        object Daily(int hour) => new
        {
            capacity = 10,
            recurrence = new
            {
                daysOfWeek = Enum.GetNames<DayOfWeek>(), startTime = $"{hour:00}:00", endTime = $"{hour:00}:45",
                from = from.ToString("yyyy-MM-dd"), to = from.AddDays(365).ToString("yyyy-MM-dd"),
            },
        };

        var scheduled = 0;
        HttpResponseMessage? refused = null;
        for (var hour = 8; refused is null; hour++)
        {
            Assert.True(hour < 12, "four slots a day for a year pass 1,000 sessions");
            var response = await provider.PostJsonAsync($"/api/offerings/{id}/sessions", Daily(hour));
            if (response.StatusCode == HttpStatusCode.Created) scheduled += (await response.ReadJsonAsync()).AsArray().Count;
            else refused = response;
        }

        var problem = await refused.AssertProblemAsync(409);
        Assert.Equal("too-many-sessions", problem["code"]!.GetValue<string>());
        Assert.InRange(scheduled, 600, 1000);
        var (listed, _) = await ListPagingTests.ReadAllPagesAsync(provider, $"/api/offerings/{id}/sessions?limit=500", 500);
        Assert.Equal(scheduled, listed.Count);
        if (scheduled == Marketplace.Core.Catalog.Sessions.SessionCommands.MaxUpcomingSessions) return;
        // One more session that fits under the cap is still accepted: the cap counts what is there, not more.
        var single = Demo.SchoolDay(DateTimeOffset.UtcNow.AddDays(400));
        Assert.Equal(HttpStatusCode.Created, (await provider.PostJsonAsync($"/api/offerings/{id}/sessions",
            new { startsAt = single, endsAt = single.AddHours(1), capacity = 10 })).StatusCode);
    }
}
