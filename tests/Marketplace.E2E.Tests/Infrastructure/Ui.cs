using Microsoft.Playwright;

namespace Marketplace.E2E.Tests.Infrastructure;

/// <summary>What every browser test does: sign in through the login form, wait until a page is interactive, take screenshots.</summary>
public static class Ui
{
    /// <summary>Where screenshots go: $MARKETPLACE_SCREENSHOTS, else TestResults/screenshots beside the test assembly.</summary>
    public static string ScreenshotFolder { get; } = Environment.GetEnvironmentVariable("MARKETPLACE_SCREENSHOTS") is { Length: > 0 } configured
        ? configured : Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>Signs in through the form (cookie) and waits for the workspace to be interactive.</summary>
    public static async Task<IPage> SignInAsync(IBrowserContext context, string username, string? returnUrl = null, string password = WebHost.Password)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(returnUrl is null ? "/login" : "/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        await WaitInteractiveAsync(page);
        return page;
    }

    /// <summary>A Blazor page is visible before it is interactive: the layout shows #app-ready once it is.</summary>
    public static Task WaitInteractiveAsync(IPage page) => page.Locator("#app-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>
    /// Follows the header's language link and waits for the page in the other language to be interactive. #app-ready alone does
    /// not do: the page being left still shows it, so a test could act on it while the browser is already navigating away.
    /// </summary>
    public static async Task SwitchLanguageAsync(IPage page)
    {
        var before = await page.GetAttributeAsync("html", "lang");
        await page.ClickAsync("[data-testid=language]");
        await Assertions.Expect(page.Locator("html")).Not.ToHaveAttributeAsync("lang", before ?? "");
        await WaitInteractiveAsync(page);
    }

    /// <summary>Goes to a workspace path and waits until the page is interactive.</summary>
    public static async Task GoAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await WaitInteractiveAsync(page);
    }

    /// <summary>A full-page PNG named after the page and the viewport; returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var width = page.ViewportSize?.Width ?? 0;
        var path = Path.Combine(ScreenshotFolder, $"{name}-{(width <= 480 ? "phone" : "desktop")}.png");
        await page.WaitForTimeoutAsync(300); // popups and drawers fade in
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <summary>
    /// The page at phone width (<paramref name="phone"/>, else <see cref="Browser.Phone"/>), then at desktop width — a screenshot of
    /// each — and axe on the desktop layout (and on the phone's too when <paramref name="axeBoth"/>). Leaves the page at desktop width.
    /// </summary>
    public static async Task ShootBothWidthsAsync(IPage page, string name, ViewportSize? phone = null, bool axeBoth = false)
    {
        phone ??= Browser.Phone;
        await page.SetViewportSizeAsync(phone.Width, phone.Height);
        await ScreenshotAsync(page, name);
        if (axeBoth) await Axe.AssertNoSeriousViolationsAsync(page);
        await page.SetViewportSizeAsync(Browser.Desktop.Width, Browser.Desktop.Height);
        await ScreenshotAsync(page, name);
        await Axe.AssertNoSeriousViolationsAsync(page);
    }
}
