using System.Net.Http.Json;
using Marketplace.Api.Auth;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Marketplace.Api.Tests.Accounts;

/// <summary>The demo host whose standing cache keeps time by a clock the test moves.</summary>
public sealed class StandingClockFactory : MarketplaceFactory
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
            services.AddSingleton(sp => new StandingCache(sp.GetRequiredService<UserQueries>(), Clock)));
    }
}

/// <summary>
/// Issue 12: disabling a user or an organisation, or changing a password, stops the tokens issued before it: at once on the
/// instance that made the change, and within a minute (the standing cache's 30 s) when the change was written elsewhere.
/// </summary>
public class TokenStandingTests(StandingClockFactory factory) : IClassFixture<StandingClockFactory>
{
    private async Task<(HttpClient Client, Guid Org, Guid Id)> StaffOfAsync(string provider, string username)
    {
        var org = await factory.OrganizationOfAsync(provider);
        var id = (await AccountTests.AddUserAsync(await factory.ClientForAsync(provider), org, username))["id"]!.GetValue<Guid>();
        return (await factory.ClientForAsync(username, "Staff@2026x"), org, id);
    }

    private static async Task AssertRevokedAsync(HttpResponseMessage response)
    {
        Assert.Equal("token-revoked", (await response.AssertProblemAsync(401))["code"]!.GetValue<string>());
        Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.Single().ToString());
    }

    [Fact]
    public async Task ADisabledUsersToken_IsRefused_AtOnce_OnTheInstanceThatDisabledIt()
    {
        var (staff, org, id) = await StaffOfAsync("provider12", "p12-staff");
        await (await staff.PostJsonAsync("/api/offerings", Demo.OfferingBody("少儿围棋"))).AssertStatusAsync(201);

        await (await (await factory.ClientForAsync("provider12")).PostJsonAsync($"/api/organisations/{org}/users/{id}/disable", new { reason = "已离职" })).AssertStatusAsync(200);

        await AssertRevokedAsync(await staff.PostJsonAsync("/api/offerings", Demo.OfferingBody("少儿象棋")));
        await AssertRevokedAsync(await staff.GetAsync("/api/offerings"));
        var hub = new HttpRequestMessage(HttpMethod.Post, "/hubs/marketplace/negotiate?negotiateVersion=1");
        hub.Headers.Authorization = staff.DefaultRequestHeaders.Authorization;
        await AssertRevokedAsync(await factory.CreateClient().SendAsync(hub));
    }

    [Fact]
    public async Task ADisableWrittenStraightToTheStore_StopsTheToken_WithinAMinute()
    {
        var (staff, _, id) = await StaffOfAsync("provider13", "p13-staff");
        await (await staff.GetAsync("/api/offerings")).AssertStatusAsync(200);
        var store = factory.Services.GetRequiredService<IMarketplaceStore>();
        var user = (await store.FindAsync<User>(id))!;
        var expected = user.Version;
        user.Disable(); // as another instance would: this instance's cache is not told
        await store.CommitAsync(new StoreChanges().Update(user, expected));

        await (await staff.PostJsonAsync("/api/offerings", Demo.OfferingBody("少儿书法"))).AssertStatusAsync(201); // still cached
        factory.Clock.Advance(StandingCache.Lifetime + TimeSpan.FromSeconds(1));
        await AssertRevokedAsync(await staff.PostJsonAsync("/api/offerings", Demo.OfferingBody("少儿国画")));
    }

    [Fact]
    public async Task ADisabledOrganisation_StopsEveryTokenOfItsUsers_AndTheirSignIns()
    {
        var (staff, org, _) = await StaffOfAsync("provider14", "p14-staff");
        var owner = await factory.ClientForAsync("provider14");
        var admin = await factory.ClientForAsync("admin");

        var answer = await (await admin.PostJsonAsync($"/api/admin/organisations/{org}/disable", new { reason = "资质到期" })).AssertStatusAsync(200);
        Assert.Equal(("Disabled", 2), (answer["status"]!.GetValue<string>(), answer["users"]!.GetValue<int>()));

        await AssertRevokedAsync(await staff.PostJsonAsync("/api/offerings", Demo.OfferingBody("少儿剪纸")));
        await AssertRevokedAsync(await owner.GetAsync($"/api/organisations/{org}/users"));
        await (await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { username = "provider14", password = MarketplaceFactory.Password })).AssertProblemAsync(401);
        Assert.Equal("organisation-transition", (await (await admin.PostJsonAsync($"/api/admin/organisations/{org}/disable", new { reason = "再次" })).AssertProblemAsync(409))["code"]!.GetValue<string>());

        await (await admin.PostJsonAsync($"/api/admin/organisations/{org}/enable", null)).AssertStatusAsync(200);
        await AccountTests.SignInAsync(factory, "provider14", MarketplaceFactory.Password);
        await AssertRevokedAsync(await owner.GetAsync("/api/offerings")); // a token from before the disable stays refused
    }

    [Fact]
    public async Task APasswordChange_RevokesTheUsersOtherTokens_AndAnswersANewOne()
    {
        var (first, _, _) = await StaffOfAsync("provider15", "p15-staff");
        var second = await factory.ClientForAsync("p15-staff", "Staff@2026x");

        var changed = await (await first.PutAsJsonAsync("/api/account/password", new { currentPassword = "Staff@2026x", newPassword = "Mine@2026xy" })).AssertStatusAsync(200);

        await AssertRevokedAsync(await second.GetAsync("/api/offerings"));
        await AssertRevokedAsync(await first.GetAsync("/api/offerings"));
        await (await AccountTests.WithToken(factory, changed["accessToken"]!.GetValue<string>()).GetAsync("/api/offerings")).AssertStatusAsync(200);
    }
}
