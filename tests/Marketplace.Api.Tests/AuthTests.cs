using System.Net.Http.Json;
using System.Net;
using Marketplace.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests;

public class AuthTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    [Theory]
    [InlineData("bureau-110105", "Bureau")]
    [InlineData("bureau-110101", "Bureau")]
    [InlineData("city-1101", "CityBureau")]
    [InlineData("admin", "Administrator")]
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

    /// <summary>Issue 12: a district bureau acts for its one district; a city bureau for every district of its city, worked
    /// out at sign-in; the administrator for none. Every token names the user's role in its organisation and its stamp.</summary>
    [Theory]
    [InlineData("bureau-110101", "110101")]
    [InlineData("bureau-510107", "510107")]
    [InlineData("city-1101", "110101,110102,110105,110108")]
    [InlineData("city-3301", "330102,330105,330106,330108")]
    [InlineData("admin", "")]
    [InlineData("school1", "")]
    public async Task Token_ForABureau_NamesTheDistrictsItActsFor(string username, string districts)
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { username, password = MarketplaceFactory.Password });
        var token = new System.IdentityModel.Tokens.Jwt.JwtSecurityTokenHandler().ReadJwtToken((await response.ReadJsonAsync())["accessToken"]!.GetValue<string>());

        Assert.Equal(districts, string.Join(",", token.Claims.Where(c => c.Type == "district").Select(c => c.Value).Order(StringComparer.Ordinal)));
        Assert.Equal("Admin", Assert.Single(token.Claims, c => c.Type == "org_role").Value);
        Assert.Equal(Guid.Empty.ToString("N"), Assert.Single(token.Claims, c => c.Type == "stamp").Value);
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
        await factory.ClientForAsync("bureau-110105");
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

    /// <summary>
    /// Behind nginx every request comes from the proxy. With Marketplace:TrustedProxies naming it, each client is limited
    /// by its own address from X-Forwarded-For; without it, the header is ignored (a client cannot pick its own bucket).
    /// </summary>
    [Theory]
    [InlineData("10.0.0.0/8", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData(null, false)]
    [InlineData("192.168.0.0/16", false)]
    public async Task BehindAProxy_LoginsAreLimitedPerForwardedClient_OnlyWhenTheProxyIsTrusted(string? trusted, bool perClient)
    {
        using var factory = new ProxiedFactory(new Dictionary<string, string?>
        {
            ["Marketplace:LoginsPerMinute"] = "2", ["Marketplace:SeedDemo"] = "false", ["Marketplace:TrustedProxies"] = trusted,
        });
        var client = factory.CreateClient();
        Task<HttpResponseMessage> LoginFrom(string forwardedFor)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token") { Content = JsonContent.Create(new { username = "nobody", password = "x" }) };
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            return client.SendAsync(request);
        }

        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await LoginFrom("203.0.113.7")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginFrom("203.0.113.7")).StatusCode);
        // Another school behind the same proxy (the header as nginx's $proxy_add_x_forwarded_for writes it).
        Assert.Equal(perClient ? HttpStatusCode.Unauthorized : HttpStatusCode.TooManyRequests, (await LoginFrom("198.51.100.1, 203.0.113.9")).StatusCode);
    }

    [Fact]
    public async Task AnonymousRegistrations_ShareTheLoginBudget()
    {
        using var factory = new MarketplaceFactory(new Dictionary<string, string?> { ["Marketplace:LoginsPerMinute"] = "2", ["Marketplace:SeedDemo"] = "false" });
        var client = factory.CreateClient();
        HttpResponseMessage last = null!;
        for (var i = 0; i < 3; i++) last = await client.PostAsJsonAsync("/api/providers", new { name = "某协会" });
        await last.AssertProblemAsync(429);
    }

    [Fact]
    public void AnUnparsableTrustedProxy_StopsTheStart_NamingTheKey()
    {
        using var factory = new MarketplaceFactory(new Dictionary<string, string?> { ["Marketplace:TrustedProxies"] = "10.0.0.0/8, nginx" });
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Marketplace:TrustedProxies: 'nginx' is neither an IP address nor a network", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Every request reaches the host from 10.1.2.3, as through a reverse proxy at that address.</summary>
    private sealed class ProxiedFactory(IDictionary<string, string?> settings) : MarketplaceFactory(settings)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(s => s.AddSingleton<IStartupFilter, FromProxy>());
        }

        private sealed class FromProxy : IStartupFilter
        {
            public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
            {
                app.Use((context, following) =>
                {
                    context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("10.1.2.3");
                    return following(context);
                });
                next(app);
            };
        }
    }
}
