using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Hardening;

/// <summary>
/// Issue 10 #10, #11 and #12 through the in-memory server: bodies over the limit are a 413 problem, unreadable bodies
/// a 400 naming the field without the framework's text, and every 4xx carries a problem body.
/// </summary>
public class RequestBodyTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private static readonly string[] Leaks = ["Marketplace.", "System.", "Implicit body", "Failed to read parameter", "LineNumber", "BytePositionInLine"];

    private static async Task<string> AssertNoLeakAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        foreach (var leak in Leaks) Assert.DoesNotContain(leak, text, StringComparison.Ordinal);
        return text;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Valid credentials padded to <paramref name="bytes"/>: before the limit, a 20 MB token request signed in.</summary>
    private static string PaddedTokenRequest(int bytes) =>
        $$"""{"username":"school2","password":"{{MarketplaceFactory.Password}}","padding":"{{new string('x', bytes)}}"}""";

    [Fact]
    public async Task ABodyOverTheLimit_Is413Problem_EvenWithValidCredentials()
    {
        var response = await factory.CreateClient().PostAsync("/api/auth/token", Json(PaddedTokenRequest(300 * 1024)));
        var problem = await response.AssertProblemAsync(413);
        Assert.Contains("262144", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().PostAsync("/api/auth/token", Json(PaddedTokenRequest(200 * 1024)))).StatusCode);
    }

    [Fact]
    public async Task ABodyOverTheLimit_WithoutContentLength_Is413Problem()
    {
        var bytes = Encoding.UTF8.GetBytes(PaddedTokenRequest(300 * 1024));
        using var content = new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var response = await factory.CreateClient().PostAsync("/api/auth/token", content);
        await response.AssertProblemAsync(413);
    }

    [Theory]
    [InlineData("""{"title": 1}""", "title")]
    [InlineData("""{"title": "机器人", "grades": "3"}""", "grades")]
    [InlineData("""{"title": "机器人", "venue": [1, 2]}""", "venue")]
    [InlineData("""{"title": "机器人", "category": "Maths"}""", "category")]
    [InlineData("""{"title": "机器人", "minGroup": 1.5}""", "minGroup")]
    [InlineData("""[{"title": "机器人"}]""", "body")]
    [InlineData("""42""", "body")]
    [InlineData("""null""", "body")]
    public async Task AnUnreadableBody_Is400NamingTheField_WithoutFrameworkText(string json, string field)
    {
        var provider = await factory.ClientForAsync("provider2");
        var response = await provider.PostAsync("/api/offerings", Json(json));
        await response.AssertProblemAsync(400, field);
        await AssertNoLeakAsync(response);
    }

    [Theory]
    [InlineData("""{"title": "机器人", "summary": """)]
    [InlineData("""{"title": "机器""")]
    [InlineData("""{"title": "a",,}""")]
    public async Task TruncatedOrMalformedJson_Is400Problem_WithoutFrameworkText(string json)
    {
        var provider = await factory.ClientForAsync("provider2");
        var response = await provider.PostAsync("/api/offerings", Json(json));
        var problem = await response.AssertProblemAsync(400);
        Assert.NotNull(problem["errors"]);
        await AssertNoLeakAsync(response);
    }

    [Fact]
    public async Task AMissingBody_Is400_BodyRequired()
    {
        var school = await factory.ClientForAsync("school2");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = new ByteArrayContent([]) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("Idempotency-Key", "missing-body-key");
        var response = await school.SendAsync(request);
        await response.AssertProblemAsync(400, "body");
        await AssertNoLeakAsync(response);

        var token = await factory.CreateClient().PostAsync("/api/auth/token", null);
        await token.AssertProblemAsync(400, "body");
    }

    [Fact]
    public async Task ANonJsonBody_Is415Problem()
    {
        var provider = await factory.ClientForAsync("provider2");
        var response = await provider.PostAsync("/api/offerings", new StringContent("title=机器人", Encoding.UTF8, "text/plain"));
        var problem = await response.AssertProblemAsync(415);
        Assert.Contains("JSON", problem["title"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClientAcceptingOnlyText_StillGetsTheProblemBody()
    {
        var provider = await factory.ClientForAsync("provider2");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/offerings") { Content = Json("""{"title": 1}""") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain"));
        await (await provider.SendAsync(request)).AssertProblemAsync(400, "title");

        using var unknown = new HttpRequestMessage(HttpMethod.Get, "/api/offerings/" + Guid.NewGuid());
        unknown.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain"));
        await (await factory.CreateClient().SendAsync(unknown)).AssertProblemAsync(404);
    }

    [Theory]
    [InlineData("GET", "/api/offerings/not-a-guid", 404)]
    [InlineData("DELETE", "/api/search/offerings", 405)]
    [InlineData("PATCH", "/api/offerings/0195e0a4-0000-7000-8000-000000000000", 405)]
    [InlineData("GET", "/api/nothing-here", 404)]
    public async Task RoutingRefusals_CarryAProblemBody_InTheRequestsLanguage(string method, string url, int status)
    {
        var provider = await factory.ClientForAsync("provider2");
        var chinese = await (await provider.SendAsync(new HttpRequestMessage(new HttpMethod(method), url))).AssertProblemAsync(status);
        var english = new HttpRequestMessage(new HttpMethod(method), url) { Headers = { { "Accept-Language", "en-US,en;q=0.9" } } };
        var inEnglish = await (await provider.SendAsync(english)).AssertProblemAsync(status);
        Assert.Matches(@"^\p{IsCJKUnifiedIdeographs}", chinese["title"]!.GetValue<string>());
        Assert.Matches("^[A-Z][A-Za-z ]+$", inEnglish["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unauthorized_CarriesAProblemBody_InChineseByDefault()
    {
        var problem = await (await factory.CreateClient().GetAsync("/api/bookings")).AssertProblemAsync(401);
        Assert.StartsWith("未登录", problem["title"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AreRefused_ToAClientWithoutAnAllowedAddress()
    {
        // The in-memory server has no client address at all: not loopback, so not allowed (a Kestrel test covers loopback).
        await (await factory.CreateClient().GetAsync("/metrics")).AssertProblemAsync(403);
    }
}
