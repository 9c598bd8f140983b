using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests;

/// <summary>Session and offering answers carry the names a person reads, a whole list from a fixed number of store reads (issue 11).</summary>
public class CatalogReadModelTests(CountingStoreFactory factory) : IClassFixture<CountingStoreFactory>
{
    [Fact]
    public async Task EverySessionAnswer_NamesTheOfferingProviderAndDistricts_AndAPageOf500_ReadsTheOfferingOnce()
    {
        var provider = await factory.ClientForAsync("provider4");
        var offering = await (await provider.PostJsonAsync("/api/offerings", Demo.OfferingBody("少儿合唱团"))).ReadJsonAsync();
        var id = offering["id"]!.GetValue<Guid>();
        var providerName = (await provider.GetJsonAsync($"/api/providers/{offering["providerId"]}"))["name"]!.GetValue<string>();
        var year = DateTime.UtcNow.Year + 1;
        var scheduled = new List<JsonNode>();
        foreach (var (from, to) in new[] { ($"{year}-01-01", $"{year}-10-01"), ($"{year + 1}-01-01", $"{year + 1}-10-01"), ($"{year + 2}-01-01", $"{year + 2}-10-01") })
        {
            var response = await provider.PostJsonAsync($"/api/offerings/{id}/sessions", new
            {
                capacity = 20,
                recurrence = new { daysOfWeek = new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" }, startTime = "15:40", endTime = "17:10", from, to },
            });
            scheduled.AddRange((await response.ReadJsonAsync()).AsArray()!);
        }
        Assert.True(scheduled.Count > 500, $"{scheduled.Count} sessions");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/offerings/{id}/sessions?limit=500");
        request.Headers.Add(CountingStoreFactory.Header, "sessions-page");
        var page = (await (await provider.SendAsync(request)).ReadJsonAsync()).AsArray();
        var reads = factory.CallsOf("sessions-page");
        Assert.Contains("ListSessionsAsync", reads);
        Assert.True(reads.Count <= 4, "store calls for one page: " + string.Join(", ", reads)); // offering, provider, sessions, districts

        var cancelled = await (await provider.PostJsonAsync($"/api/offerings/{id}/sessions/{scheduled[^1]["id"]}/cancel", new { reason = "场馆检修" })).ReadJsonAsync();
        Assert.Equal(500, page.Count);
        foreach (var session in page.Concat(scheduled).Append(cancelled))
        {
            Assert.Equal("少儿合唱团", session!["offeringTitle"]!.GetValue<string>());
            Assert.Equal(providerName, session["providerName"]!.GetValue<string>());
            Assert.Equal(["朝阳区"], session["districtNames"]!.AsArray().Select(n => n!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task OfferingLists_NameProviderAndDistricts_ForTheProvider_TheBureau_AndItsReviewQueue()
    {
        var districts = (await factory.CreateClient().GetJsonAsync("/api/districts")).AsArray()
            .ToDictionary(d => d!["code"]!.GetValue<string>(), d => d!["name"]!.GetValue<string>());
        var provider = await factory.ClientForAsync("provider2");
        var created = await (await provider.PostJsonAsync("/api/offerings", Demo.OfferingBody("非遗剪纸体验课"))).ReadJsonAsync();
        await provider.PostJsonAsync($"/api/offerings/{created["id"]}/submit", null);
        var providerName = (await provider.GetJsonAsync($"/api/providers/{created["providerId"]}"))["name"]!.GetValue<string>();

        var bureau = await factory.ClientForAsync("bureau-110108");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/offerings?limit=500");
        request.Headers.Add(CountingStoreFactory.Header, "bureau-offerings");
        var all = (await (await bureau.SendAsync(request)).ReadJsonAsync()).AsArray();
        var reads = factory.CallsOf("bureau-offerings");
        Assert.Contains("ListOfferingsAsync", reads);
        Assert.True(reads.Count <= 3, "store calls for the bureau's list: " + string.Join(", ", reads)); // providers, offerings, districts

        var queue = (await bureau.GetJsonAsync("/api/offerings?status=PendingReview")).AsArray();
        var own = (await provider.GetJsonAsync("/api/offerings")).AsArray();
        Assert.True(all.Count > 60, $"{all.Count} offerings"); // the seven providers that applied to 海淀 (110108), ten each, and more
        Assert.Contains(queue, o => o!["id"]!.GetValue<Guid>() == created["id"]!.GetValue<Guid>() && o["providerName"]!.GetValue<string>() == providerName);
        Assert.All(own, o => Assert.Equal(providerName, o!["providerName"]!.GetValue<string>()));
        foreach (var offering in all.Concat(queue).Concat(own).Append(created))
        {
            Assert.False(string.IsNullOrWhiteSpace(offering!["providerName"]!.GetValue<string>()));
            var codes = offering["districts"]!.AsArray().Select(c => c!.GetValue<string>());
            Assert.Equal(codes.Select(c => districts[c]), offering["districtNames"]!.AsArray().Select(n => n!.GetValue<string>()));
        }
    }
}
