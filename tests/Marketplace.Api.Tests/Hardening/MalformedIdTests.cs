using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Hardening;

/// <summary>An id that is not a GUID names no resource: 404 with a problem body, for every route, anonymous or not (issue 11).</summary>
public class MalformedIdTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH"];

    [Fact]
    public async Task AnonymousSessionsOfAMalformedOfferingId_IsNotFound()
    {
        var problem = await (await factory.CreateClient().GetAsync("/api/offerings/abc/sessions")).AssertProblemAsync(404);
        Assert.Equal("未找到", problem["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task EveryRouteWithAnId_AnswersAMalformedId_WithNotFound_UnderAnyMethod_ToAnyone()
    {
        var callers = new Dictionary<string, HttpClient>
        {
            ["anonymous"] = factory.CreateClient(),
            ["bureau-110105"] = await factory.ClientForAsync("bureau-110105"),
            ["provider1"] = await factory.ClientForAsync("provider1"),
            ["school1"] = await factory.ClientForAsync("school1"),
        };
        var urls = await MalformedUrlsAsync();
        Assert.Contains("/api/offerings/abc/sessions", urls);
        Assert.Contains("/api/offerings/00000000-0000-0000-0000-000000000001/sessions/abc/cancel", urls);
        var wrong = new List<string>();
        foreach (var url in urls)
            foreach (var method in Methods)
                foreach (var (who, client) in callers)
                {
                    using var request = new HttpRequestMessage(new HttpMethod(method), url);
                    if (method is "POST" or "PUT" or "PATCH") request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                    var response = await client.SendAsync(request);
                    if ((int)response.StatusCode != 404 || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                        wrong.Add($"{who} {method} {url} → {(int)response.StatusCode}");
                }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task AWellFormedId_UnderAMethodTheRouteDoesNotTake_IsStill405()
    {
        var bureau = await factory.ClientForAsync("bureau-110105");
        var offering = Guid.CreateVersion7();
        await (await bureau.PutAsync($"/api/offerings/{offering}/sessions", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"))).AssertProblemAsync(405);
        await (await bureau.GetAsync($"/api/offerings/{offering}/approve")).AssertProblemAsync(405);
    }

    /// <summary>Each operation's path from /openapi/v1.json with one id parameter at a time replaced by "abc", the others well-formed.</summary>
    private async Task<List<string>> MalformedUrlsAsync()
    {
        var document = await factory.CreateClient().GetJsonAsync("/openapi/v1.json");
        var urls = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            var ids = item!.AsObject().Where(o => o.Value?["parameters"] is JsonArray).SelectMany(o => o.Value!["parameters"]!.AsArray())
                .Where(p => p!["in"]!.GetValue<string>() == "path" && p["schema"]?["format"]?.GetValue<string>() == "uuid")
                .Select(p => p!["name"]!.GetValue<string>()).Distinct().ToList();
            foreach (var malformed in ids)
            {
                var url = path;
                foreach (var id in ids) url = url.Replace("{" + id + "}", id == malformed ? "abc" : "00000000-0000-0000-0000-000000000001", StringComparison.Ordinal);
                urls.Add(url.Replace("{semester}", "2026-2027-1", StringComparison.Ordinal));
            }
        }
        return [.. urls];
    }
}
