using Marketplace.E2E.Tests.Infrastructure;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace Marketplace.E2E.Tests.Foundation;

/// <summary>The frame every workspace shares: cookie sign-in through the form, zh-CN first with a persisting English switch, sign-out.</summary>
[Collection(E2ECollection.Name)]
public sealed class SignInTests(Browser browser) : IDisposable
{
    private readonly WebHost _host = new();

    [SkippableFact]
    public async Task Anonymous_IsSentToTheLoginPage_InChinese_EvenWhenTheBrowserAsksForEnglish()
    {
        Skip.IfNot(Browser.Available, "Debian chromium is not installed (./test.sh installs it)");
        await using var context = await browser.ContextAsync(_host, locale: "en-US");
        var page = await context.NewPageAsync();

        await page.GotoAsync("/account");

        Assert.EndsWith("/login?returnUrl=%2Faccount", page.Url);
        Assert.Equal("zh-CN", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal("登录", await page.InnerTextAsync("h1"));
        await Ui.ScreenshotAsync(page, "login");
        await page.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.ScreenshotAsync(page, "login");
        await Axe.AssertNoSeriousViolationsAsync(page);
        Assert.Empty(browser.ExternalRequests);
    }

    [SkippableFact]
    public async Task WrongPassword_IsRefused_WithTheApisMessage_AndTheNameKept()
    {
        Skip.IfNot(Browser.Available, "Debian chromium is not installed (./test.sh installs it)");
        await using var context = await browser.ContextAsync(_host);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("#username", "school1");
        await page.FillAsync("#password", "wrong-password");
        await page.ClickAsync("button[type=submit]");

        Assert.Equal("用户名或密码错误", (await page.InnerTextAsync("[role=alert]")).Trim());
        Assert.Equal("school1", await page.InputValueAsync("#username"));
    }

    [SkippableFact]
    public async Task SignedIn_TheLanguageSwitchPersists_AndSignOutEndsTheSession()
    {
        Skip.IfNot(Browser.Available, "Debian chromium is not installed (./test.sh installs it)");
        await using var context = await browser.ContextAsync(_host);
        var page = await Ui.SignInAsync(context, "school1", "/account");
        Assert.EndsWith("/account", page.Url);
        Assert.Equal("退出登录", (await page.InnerTextAsync(".logout button")).Trim());

        await Ui.SwitchLanguageAsync(page);
        Assert.Equal("Sign out", (await page.InnerTextAsync(".logout button")).Trim());
        await page.ReloadAsync();
        await Ui.WaitInteractiveAsync(page);
        Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal("Sign out", (await page.InnerTextAsync(".logout button")).Trim());

        // The cookie signs in the web UI only: the JSON API wants a bearer token (no cross-site request can use the cookie).
        var api = await context.APIRequest.GetAsync("/api/bookings");
        Assert.Equal(401, api.Status);

        await page.ClickAsync(".logout button");
        await page.WaitForURLAsync("**/login");
        await page.GotoAsync("/account");
        Assert.Contains("/login", page.Url);
    }

    [SkippableFact]
    public async Task AnOpenPage_OfAUserDisabledMeanwhile_RunsNothingMore_AndGoesToTheLoginPage()
    {
        Skip.IfNot(Browser.Available, "Debian chromium is not installed (./test.sh installs it)");
        var api = new Marketplace.E2E.Tests.School.DemoApi(_host);
        var admin = await api.ClientForAsync("school1"); // the school's own organisation admin
        var token = await (await _host.CreateClient().PostAsJsonAsync("/api/auth/token", new { username = "school1", password = WebHost.Password }))
            .Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>();
        var org = token!["organizationId"]!.GetValue<Guid>();
        var added = await admin.PostAsJsonAsync($"/api/organisations/{org}/users",
            new { username = "school1-staff", displayName = "张干事", password = "Staff@2026x", orgRole = "Staff" });
        var userId = (await added.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["id"]!.GetValue<Guid>();
        await using var context = await browser.ContextAsync(_host);
        var page = await Ui.SignInAsync(context, "school1-staff", "/school/plan", "Staff@2026x");

        (await admin.PostAsJsonAsync($"/api/organisations/{org}/users/{userId}/disable", new { reason = "已调离" })).EnsureSuccessStatusCode();
        await page.ClickAsync("[data-testid=save-plan]");

        await page.WaitForURLAsync("**/login**");
    }

    public void Dispose() => _host.Dispose();
}
