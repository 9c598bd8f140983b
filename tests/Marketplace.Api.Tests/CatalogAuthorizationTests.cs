using System.Net.Http.Json;
using System.Net;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests;

/// <summary>Every catalog endpoint × role × organisation: never 200 for someone who may not act.</summary>
public class CatalogAuthorizationTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private async Task<HttpClient> As(string? user) => user is null ? factory.CreateClient() : await factory.ClientForAsync(user);

    private async Task<(Guid Offering, Guid Session, string ETag)> Provider1DraftAsync()
    {
        var owner = await factory.ClientForAsync("provider1");
        var response = await owner.PostJsonAsync("/api/offerings", Demo.OfferingBody("围棋启蒙（草稿）"));
        var id = (await response.ReadJsonAsync())["id"]!.GetValue<Guid>();
        var start = DateTimeOffset.UtcNow.AddDays(20);
        var sessions = (await (await owner.PostJsonAsync($"/api/offerings/{id}/sessions", new { startsAt = start, endsAt = start.AddHours(1), capacity = 10 })).ReadJsonAsync()).AsArray();
        return (id, sessions[0]!["id"]!.GetValue<Guid>(), response.Headers.ETag!.Tag);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("school1", HttpStatusCode.Forbidden)]
    [InlineData("provider2", HttpStatusCode.NotFound)]
    [InlineData("bureau", HttpStatusCode.Forbidden)]
    public async Task OthersCannotChangeAProvidersOffering(string? user, HttpStatusCode expected)
    {
        var (offering, session, etag) = await Provider1DraftAsync();
        var client = await As(user);
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/offerings/{offering}") { Content = JsonContent.Create(Demo.OfferingBody("改名")) };
        put.Headers.TryAddWithoutValidation("If-Match", etag);
        var start = DateTimeOffset.UtcNow.AddDays(30);
        var attempts = new[]
        {
            await client.SendAsync(put),
            await client.PostJsonAsync($"/api/offerings/{offering}/submit", null),
            await client.PostJsonAsync($"/api/offerings/{offering}/pause", null),
            await client.PostJsonAsync($"/api/offerings/{offering}/archive", null),
            await client.PostJsonAsync($"/api/offerings/{offering}/sessions", new { startsAt = start, endsAt = start.AddHours(1), capacity = 5 }),
            await client.PostJsonAsync($"/api/offerings/{offering}/sessions/{session}/cancel", new { reason = "x" }),
            await client.DeleteAsync($"/api/offerings/{offering}/sessions/{session}"),
        };
        Assert.All(attempts, r => Assert.Equal(expected, r.StatusCode));
        var owner = await factory.ClientForAsync("provider1");
        var unchanged = await owner.GetJsonAsync($"/api/offerings/{offering}");
        Assert.Equal("Draft", unchanged["status"]!.GetValue<string>());
        Assert.Single((await owner.GetJsonAsync($"/api/offerings/{offering}/sessions")).AsArray());
    }

    [Theory]
    [InlineData(null, HttpStatusCode.NotFound)]
    [InlineData("school1", HttpStatusCode.NotFound)]
    [InlineData("provider2", HttpStatusCode.NotFound)]
    [InlineData("provider1", HttpStatusCode.OK)]
    [InlineData("bureau", HttpStatusCode.OK)]
    public async Task DraftsAndTheirSessions_AreVisibleOnlyToOwnerAndBureau(string? user, HttpStatusCode expected)
    {
        var (offering, _, _) = await Provider1DraftAsync();
        var client = await As(user);
        Assert.Equal(expected, (await client.GetAsync($"/api/offerings/{offering}")).StatusCode);
        Assert.Equal(expected, (await client.GetAsync($"/api/offerings/{offering}/sessions")).StatusCode);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("school1", HttpStatusCode.Forbidden)]
    [InlineData("provider1", HttpStatusCode.Forbidden)]
    public async Task OnlyTheBureauReviews(string? user, HttpStatusCode expected)
    {
        var (offering, _, _) = await Provider1DraftAsync();
        await (await factory.ClientForAsync("provider1")).PostJsonAsync($"/api/offerings/{offering}/submit", null);
        var client = await As(user);
        Assert.Equal(expected, (await client.PostJsonAsync($"/api/offerings/{offering}/approve", null)).StatusCode);
        Assert.Equal(expected, (await client.PostJsonAsync($"/api/offerings/{offering}/reject", new { reason = "x" })).StatusCode);
        Assert.Equal(expected, (await client.GetAsync("/api/providers")).StatusCode);
    }

    [Fact]
    public async Task SchoolPlan_IsTheSchoolsOwn_AndItsBureaus()
    {
        var schoolId = await factory.OrganizationOfAsync("school1");
        var school = await factory.ClientForAsync("school1");
        var plan = await school.GetJsonAsync($"/api/schools/{schoolId}/plans/2026-2027-1");
        Assert.Equal(4, plan["targetCategories"]!.AsArray().Count);
        var saved = await school.PutAsJsonAsync($"/api/schools/{schoolId}/plans/2026-2027-2", new
        {
            targetCategories = new[] { "Science", "Labour" },
            windows = new[] { new { dayOfWeek = "Wednesday", start = "15:30", end = "17:00" } },
            pupilsExpected = new Dictionary<string, int> { ["Science"] = 80 }, budgetFen = 1_200_000,
        });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await factory.ClientForAsync("bureau")).GetAsync($"/api/schools/{schoolId}/plans/2026-2027-2")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await factory.ClientForAsync("school2")).GetAsync($"/api/schools/{schoolId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await factory.ClientForAsync("provider1")).GetAsync($"/api/schools/{schoolId}/plans/2026-2027-1")).StatusCode);
        var nullWindow = await school.PutAsync($"/api/schools/{schoolId}/plans/2026-2027-2",
            new StringContent("""{"targetCategories":["Science"],"windows":[null],"budgetFen":0}""", System.Text.Encoding.UTF8, "application/json"));
        await nullWindow.AssertProblemAsync(400, "windows");
        var bad = await school.PutAsJsonAsync($"/api/schools/{schoolId}/plans/autumn", new { targetCategories = Array.Empty<string>(), budgetFen = -1 });
        var problem = await bad.AssertProblemAsync(400, "semester");
        Assert.NotNull(problem["errors"]!["budgetFen"]);
    }
}
