using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Hardening;

/// <summary>Issue 10 #9: every list is paged in the store (limit, keyset cursor, Link to the next page keeping the filters).</summary>
public class ListPagingTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    /// <summary>Follows the Link headers from <paramref name="url"/>; every page holds at most <paramref name="limit"/> items.</summary>
    internal static async Task<(List<JsonNode> Items, List<string> Links)> ReadAllPagesAsync(HttpClient client, string url, int limit)
    {
        var items = new List<JsonNode>();
        var links = new List<string>();
        for (string? next = url; next is not null;)
        {
            Assert.True(links.Count < 1000, "the pages end");
            var response = await client.GetAsync(next);
            Assert.True(response.IsSuccessStatusCode, $"GET {next} → {(int)response.StatusCode}");
            var page = (await response.ReadJsonAsync()).AsArray();
            Assert.InRange(page.Count, 1, limit);
            items.AddRange(page.Select(i => i!));
            next = response.Headers.TryGetValues("Link", out var link) ? link.Single().Split('>')[0].TrimStart('<') : null;
            if (next is not null)
            {
                Assert.EndsWith("; rel=\"next\"", link!.Single(), StringComparison.Ordinal);
                Assert.Equal(limit, page.Count);
                links.Add(next);
            }
        }
        return (items, links);
    }

    [Fact]
    public async Task Sessions_ArePagedByStartTime_EachOnce_AnonymousToo()
    {
        var provider = await factory.ClientForAsync("provider7");
        var offering = await (await provider.PostJsonAsync("/api/offerings", Demo.OfferingBody("分页场次测试课"))).ReadJsonAsync();
        var id = offering["id"]!.GetValue<Guid>();
        var year = DateTime.UtcNow.Year + 1;
        // Two slots a day on the same days (ties in date, not in time), created out of order: later slot first.
        foreach (var (start, end) in new[] { ("16:00", "17:00"), ("09:00", "10:00") })
        {
            var body = new { capacity = 20, recurrence = new { daysOfWeek = new[] { "Monday", "Wednesday", "Friday" }, startTime = start, endTime = end, from = $"{year}-03-02", to = $"{year}-04-30" } };
            Assert.Equal(HttpStatusCode.Created, (await provider.PostJsonAsync($"/api/offerings/{id}/sessions", body)).StatusCode);
        }
        var all = (await provider.GetJsonAsync($"/api/offerings/{id}/sessions?limit=500")).AsArray().Select(s => s!).ToList();
        Assert.InRange(all.Count, 40, 60);

        var (paged, links) = await ReadAllPagesAsync(provider, $"/api/offerings/{id}/sessions?limit=7", 7);

        Assert.Equal(all.Select(s => s["id"]!.GetValue<Guid>()), paged.Select(s => s["id"]!.GetValue<Guid>()));
        var starts = paged.Select(s => s["startsAt"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.Equal(starts.Order(), starts);
        Assert.All(links, l => Assert.Contains("limit=7", l, StringComparison.Ordinal));
        var anonymous = await factory.CreateClient().GetAsync($"/api/offerings/{id}/sessions?limit=3");
        Assert.Equal(HttpStatusCode.NotFound, anonymous.StatusCode); // still a draft: only its provider and bureau see it
    }

    [Fact]
    public async Task Sessions_DefaultPage_Is100_AndAnAfterOfAnotherOffering_Is400()
    {
        var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 10);
        var (_, otherOffering, _) = await BookingTests.FreshSessionAsync(factory, 10, hoursAhead: 100);
        await (await provider.GetAsync($"/api/offerings/{otherOffering}/sessions?after={sessionId}")).AssertProblemAsync(400, "after");
        await (await provider.GetAsync($"/api/offerings/{offeringId}/sessions?limit=501")).AssertProblemAsync(400, "limit");
        var anonymous = await factory.CreateClient().GetAsync($"/api/offerings/{offeringId}/sessions");
        Assert.Single((await anonymous.ReadJsonAsync()).AsArray());
        Assert.False(anonymous.Headers.Contains("Link"));
    }

    [Fact]
    public async Task Offerings_OfTheBureau_ArePaged_KeepingTheStatusFilter()
    {
        var bureau = await factory.ClientForAsync("city-1101"); // Beijing's seven approved providers, ten offerings each
        var all = (await bureau.GetJsonAsync("/api/offerings?status=Published&limit=500")).AsArray();
        Assert.InRange(all.Count, 60, 90);
        var defaultPage = await bureau.GetAsync("/api/offerings?status=Published"); // 100 by default: one page
        Assert.Equal(all.Count, (await defaultPage.ReadJsonAsync()).AsArray().Count);
        Assert.False(defaultPage.Headers.Contains("Link"));
        var firstPage = await bureau.GetAsync("/api/offerings?status=Published&limit=50");
        Assert.Contains("status=Published", firstPage.Headers.GetValues("Link").Single(), StringComparison.Ordinal);

        var (paged, links) = await ReadAllPagesAsync(bureau, "/api/offerings?status=Published&limit=20", 20);

        Assert.Equal(all.Select(o => o!["id"]!.GetValue<Guid>()), paged.Select(o => o["id"]!.GetValue<Guid>()));
        Assert.All(paged, o => Assert.Equal("Published", o["status"]!.GetValue<string>()));
        Assert.All(links, l => Assert.Contains("status=Published", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Offerings_OfAProvider_ArePaged_AndOnlyItsOwn()
    {
        var provider = await factory.ClientForAsync("provider8");
        var providerId = await factory.OrganizationOfAsync("provider8");
        var all = (await provider.GetJsonAsync("/api/offerings?limit=500")).AsArray();
        Assert.True(all.Count > 3, "the demo gives provider8 several offerings");

        var (paged, _) = await ReadAllPagesAsync(provider, "/api/offerings?limit=3", 3);

        Assert.Equal(all.Select(o => o!["id"]!.GetValue<Guid>()), paged.Select(o => o["id"]!.GetValue<Guid>()));
        Assert.All(paged, o => Assert.Equal(providerId, o["providerId"]!.GetValue<Guid>()));
    }

    [Fact]
    public async Task Providers_ArePaged_WithAndWithoutAStatus()
    {
        var bureau = await factory.ClientForAsync("city-1101");
        var all = (await bureau.GetJsonAsync("/api/providers")).AsArray();
        Assert.Equal(8, all.Count); // provider1–7 and the pending provider19 applied to Beijing districts

        var (paged, _) = await ReadAllPagesAsync(bureau, "/api/providers?limit=3", 3);
        Assert.Equal(all.Select(p => p!["id"]!.GetValue<Guid>()), paged.Select(p => p["id"]!.GetValue<Guid>()));

        var (approved, links) = await ReadAllPagesAsync(bureau, "/api/providers?status=Approved&limit=2", 2);
        Assert.Equal(7, approved.Count);
        Assert.All(links, l => Assert.Contains("status=Approved", l, StringComparison.Ordinal));
    }
}
