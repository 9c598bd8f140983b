using System.Net;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests;

public class HostingTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    [Fact]
    public async Task HealthReady_IsHealthy_WithEmbeddedAdapters()
    {
        var response = await factory.CreateClient().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task DemoSeed_IsVisibleThroughTheApi()
    {
        var client = factory.CreateClient();
        var districts = (await client.GetJsonAsync("/api/districts")).AsArray();
        Assert.Equal(12, districts.Count);
        Assert.Contains(districts, d => d!["code"]!.GetValue<string>() == "110105" && d["name"]!.GetValue<string>() == "朝阳区");

        var bureau = await factory.ClientForAsync("city-1101");
        var providers = (await bureau.GetJsonAsync("/api/providers")).AsArray();
        Assert.Equal(8, providers.Count); // those of Beijing's districts
        Assert.Contains(providers, p => p!["status"]!.GetValue<string>() == "Pending");
        var offerings = (await bureau.GetJsonAsync("/api/offerings?status=Published&limit=500")).AsArray();
        Assert.InRange(offerings.Count, 60, 90);
        Assert.Equal(6, offerings.Select(o => o!["category"]!.GetValue<string>()).Distinct().Count());
    }

    [Fact]
    public async Task DemoSeed_GivesEveryPublishedOfferingFutureSessions_SomeSmall_SomeNearlyFull()
    {
        var bureau = await factory.ClientForAsync("city-1101");
        var offerings = (await bureau.GetJsonAsync("/api/offerings?status=Published&limit=500")).AsArray();
        var sessions = await Task.WhenAll(offerings.Select(o => factory.CreateClient().GetJsonAsync($"/api/offerings/{o!["id"]}/sessions")));
        Assert.All(sessions, s => Assert.NotEmpty(s.AsArray()));
        var all = sessions.SelectMany(s => s.AsArray()).ToList();
        Assert.All(all, s => Assert.True(s!["startsAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow));
        Assert.Contains(all, s => s!["capacity"]!.GetValue<int>() is >= 5 and <= 10);
        Assert.Contains(all, s => s!["capacity"]!.GetValue<int>() > 5 && s["freeSeats"]!.GetValue<int>() == 2);
        Assert.True(all.Count(s => s!["freeSeats"]!.GetValue<int>() > 2) > all.Count * 9 / 10);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheRoutes()
    {
        var doc = await factory.CreateClient().GetJsonAsync("/openapi/v1.json");
        var paths = doc["paths"]!.AsObject();
        foreach (var route in new[] { "/api/auth/token", "/api/districts", "/api/providers", "/api/offerings/{id}", "/api/search/offerings" })
            Assert.True(paths.ContainsKey(route), $"OpenAPI lacks {route}");
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync("/docs")).StatusCode);
    }

    [Fact]
    public async Task LandingPage_IsChineseFirst()
    {
        var html = await factory.CreateClient().GetStringAsync("/");
        Assert.Contains("lang=\"zh-CN\"", html);
        Assert.Contains("课后服务资源对接平台", html);
        Assert.Contains("/docs", html);
    }

    [Fact]
    public async Task UnknownRoute_Is404Problem()
    {
        var response = await factory.CreateClient().GetAsync("/api/offerings/" + Guid.NewGuid());
        await response.AssertProblemAsync(404);
    }
}
