using System.Net.Http.Json;
using Marketplace.Api.Configuration;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests.Accounts;

/// <summary>Issue 12: an account locks after Marketplace:Lockout:MaxFailures wrong passwords in a row, counted exactly under
/// real parallel requests, on top of the per-address limit; a locked account is answered like a wrong password.</summary>
public class LockoutTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private async Task<int> FailInParallelAsync(string username, int count)
    {
        var client = factory.CreateClient();
        var answers = await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            client.PostAsJsonAsync("/api/auth/token", new { username, password = $"Wrong@{i:D4}x" })));
        Assert.All(answers, a => Assert.Equal(401, (int)a.StatusCode));
        return answers.Length;
    }

    private Task<Core.Identity.User?> StoredAsync(string username) => factory.Services.GetRequiredService<IMarketplaceStore>().FindUserAsync(username);

    [Fact]
    public async Task ParallelWrongPasswords_AreCountedExactly_AndLockTheAccountAtTheFifth()
    {
        await FailInParallelAsync("provider10", 4);
        Assert.Equal((4, null), ((await StoredAsync("provider10"))!.FailedSignIns, (await StoredAsync("provider10"))!.LockedUntil));
        await AccountTests.SignInAsync(factory, "provider10", MarketplaceFactory.Password); // a success starts the count again
        Assert.Equal(0, (await StoredAsync("provider10"))!.FailedSignIns);

        var before = DateTimeOffset.UtcNow;
        await FailInParallelAsync("provider10", 10);
        var locked = (await StoredAsync("provider10"))!;
        Assert.Equal(5, locked.FailedSignIns); // five counted, the five that found it locked were not
        Assert.InRange(locked.LockedUntil!.Value, before.AddMinutes(15).AddSeconds(-5), DateTimeOffset.UtcNow.AddMinutes(15).AddSeconds(5));

        var right = await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { username = "provider10", password = MarketplaceFactory.Password });
        var wrong = await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { username = "provider10", password = "Wrong@2026x" });
        var (wrongBody, rightBody) = (await wrong.AssertProblemAsync(401), await right.AssertProblemAsync(401));
        foreach (var part in new[] { "title", "detail", "code", "type" }) Assert.Equal(wrongBody[part]?.ToJsonString(), rightBody[part]?.ToJsonString());
        Assert.Equal(5, (await StoredAsync("provider10"))!.FailedSignIns);
    }

    [Fact]
    public async Task AResetByTheOrgAdmin_ClearsTheLock()
    {
        await FailInParallelAsync("provider11", 6);
        Assert.NotNull((await StoredAsync("provider11"))!.LockedUntil);
        var admin = await factory.ClientForAsync("admin");
        var user = (await StoredAsync("provider11"))!;
        await (await admin.PostJsonAsync($"/api/organisations/{user.OrganizationId}/users/{user.Id}/reset-password", new { newPassword = "Unlock@2026x" })).AssertStatusAsync(200);
        await AccountTests.SignInAsync(factory, "provider11", "Unlock@2026x");
    }

    [Theory]
    [InlineData("MaxFailures", "0")]
    [InlineData("MaxFailures", "five")]
    [InlineData("Minutes", "0")]
    [InlineData("Minutes", "100000")]
    public void LockoutSettings_OutOfRange_StopTheStart_NamingTheKey(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [$"Marketplace:Lockout:{key}"] = value }).Build();
        var error = Assert.Throws<InvalidConfigurationException>(() => MarketplaceSettings.Load(configuration, isDevelopment: true));
        Assert.Contains($"Marketplace:Lockout:{key}", error.Message);
    }

    [Fact]
    public void LockoutSettings_AreRead()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Marketplace:Lockout:MaxFailures"] = "3", ["Marketplace:Lockout:Minutes"] = "30",
        }).Build();
        Assert.Equal(new Core.Identity.LockoutPolicy(3, TimeSpan.FromMinutes(30)), MarketplaceSettings.Load(configuration, isDevelopment: true).Lockout);
        Assert.Equal(new Core.Identity.LockoutPolicy(5, TimeSpan.FromMinutes(15)), MarketplaceSettings.Load(new ConfigurationBuilder().Build(), isDevelopment: true).Lockout);
    }
}
