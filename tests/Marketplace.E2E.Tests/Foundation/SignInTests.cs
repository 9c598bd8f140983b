using Marketplace.E2E.Tests.Infrastructure;
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

        await page.ClickAsync("[data-testid=language]");
        await Ui.WaitInteractiveAsync(page);
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

    public void Dispose() => _host.Dispose();
}
