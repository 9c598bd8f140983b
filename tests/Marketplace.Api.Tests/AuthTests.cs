using System.Net;
using System.Net.Http.Json;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests;

public class AuthTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    [Theory]
    [InlineData("bureau", "Bureau")]
    [InlineData("provider1", "Provider")]
    [InlineData("school1", "School")]
    public async Task Token_ForDemoUser_CarriesRoleAndOrganization(string username, string role)
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { username, password = MarketplaceFactory.Password });
        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(role, body["role"]!.GetValue<string>());
        Assert.NotEqual(Guid.Empty, body["organizationId"]!.GetValue<Guid>());
        Assert.True(body["expiresAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow);
        Assert.Equal(3, body["accessToken"]!.GetValue<string>().Split('.').Length);
    }

    [Theory]
    [InlineData("school1", "wrong-password")]
    [InlineData("nobody", "Demo@2026")]
    public async Task Token_WithBadCredentials_Is401Problem(string username, string password)
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { username, password });
        await response.AssertProblemAsync(401);
    }

    [Fact]
    public async Task Token_WithMissingFields_Is400NamingThem()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { username = "" });
        var problem = await response.AssertProblemAsync(400, "username");
        Assert.NotNull(problem["errors"]!["password"]);
    }

    [Fact]
    public async Task ProtectedEndpoint_WithoutToken_Is401()
    {
        var response = await factory.CreateClient().PostJsonAsync("/api/offerings", new { title = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ProtectedEndpoint_WithTamperedToken_Is401()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.invalid");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/offerings")).StatusCode);
    }

    [Fact]
    public async Task ProtectedEndpoint_WithWrongRole_Is403()
    {
        var school = await factory.ClientForAsync("school1");
        Assert.Equal(HttpStatusCode.Forbidden, (await school.PostJsonAsync("/api/offerings", new { title = "x" })).StatusCode);
        var provider = await factory.ClientForAsync("provider1");
        Assert.Equal(HttpStatusCode.Forbidden, (await provider.GetAsync("/api/providers")).StatusCode);
    }

    [Fact]
    public async Task SigningKey_IsGeneratedIntoTheDataFolder_InDevelopment()
    {
        await factory.ClientForAsync("bureau");
        Assert.True(File.Exists(Path.Combine(factory.DataDirectory, "jwt-signing.key")));
    }
}

public class LoginRateLimitTests
{
    [Fact]
    public async Task TooManyLogins_Are429WithRetryAfter()
    {
        using var factory = new MarketplaceFactory(new Dictionary<string, string?> { ["Marketplace:LoginsPerMinute"] = "3", ["Marketplace:SeedDemo"] = "false" });
        var client = factory.CreateClient();
        HttpResponseMessage last = null!;
        for (var i = 0; i < 4; i++) last = await client.PostAsJsonAsync("/api/auth/token", new { username = "nobody", password = "x" });
        await last.AssertProblemAsync(429);
        Assert.Equal("60", last.Headers.RetryAfter!.ToString());
    }
}
