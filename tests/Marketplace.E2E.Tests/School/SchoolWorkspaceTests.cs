using Marketplace.E2E.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.E2E.Tests.School;

/// <summary>
/// Search (a Chinese query highlighted, the URL restoring it), the home page and waiting list with seats held for the school
/// (accepted from the page), and the school plan saved in yuan; screenshots and axe for each page.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class SchoolWorkspaceTests(Browser browser, SchoolHostFixture fixture) : IClassFixture<SchoolHostFixture>
{
    private const string SkipReason = "Debian chromium is not installed (./test.sh installs it)";

    [SkippableFact]
    public async Task Search_AChineseQuery_ShowsHighlightedResults_AndTheUrlRestoresIt()
    {
        Skip.IfNot(Browser.Available, SkipReason);
        await using var context = await browser.ContextAsync(fixture.Host);
        var page = await Ui.SignInAsync(context, "school1", "/school/search");

        await page.FillAsync("#search-q", "机器人");
        await page.WaitForURLAsync(url => url.Contains("q=%E6%9C%BA%E5%99%A8%E4%BA%BA", StringComparison.Ordinal));
        var marked = page.Locator("[data-testid=hit] em");
        await Expect(marked.First).ToHaveTextAsync("机器人");
        var total = int.Parse(await page.GetAttributeAsync("[data-testid=search-total]", "data-total") ?? "0");
        Assert.True(total > 0);
        Assert.Equal(0, await page.Locator("[data-testid=hit] script, [data-testid=hit] img").CountAsync());
        // Distance from the school, on the hits the index can place (a venue, or a provider coming to the school).
        Assert.Contains(await page.Locator("[data-testid=distance]").AllInnerTextsAsync(), d => d.Length > 0);

        await page.SelectOptionAsync("#search-category", "Science");
        await page.WaitForURLAsync(url => url.Contains("category=Science", StringComparison.Ordinal));
        await Expect(page.Locator("[data-testid=hit]").First).ToBeVisibleAsync();
        await Ui.ScreenshotAsync(page, "school-search");
        await Axe.AssertNoSeriousViolationsAsync(page);

        // The URL is the search: a new page at it shows the same query, filter and results.
        var shared = await context.NewPageAsync();
        await Ui.GoAsync(shared, page.Url);
        Assert.Equal("机器人", await shared.InputValueAsync("#search-q"));
        Assert.Equal("Science", await shared.InputValueAsync("#search-category"));
        await Expect(shared.Locator("[data-testid=hit] em").First).ToHaveTextAsync("机器人");
        await shared.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.ScreenshotAsync(shared, "school-search");
    }

    [SkippableFact]
    public async Task FullSession_JoinWaitingList_SeatsFreed_AreHeld_OnHomeAndWaitlist_AndAcceptBooks()
    {
        Skip.IfNot(Browser.Available, SkipReason);
        var (offeringId, sessions) = await fixture.OfferingAsync("科普剧表演工作坊（候补）", capacity: 10, sessions: 1);
        var taken = await fixture.BookAsync("school1", sessions[0], 10);
        await using var context = await browser.ContextAsync(fixture.Host);
        var page = await Ui.SignInAsync(context, "school2", $"/school/offerings/{offeringId}");

        await page.CheckAsync($"#session-{sessions[0]:N}");
        await page.FillAsync("#pupils", "6");
        await page.CheckAsync("text=3年级");
        await page.FillAsync("#contact-name", "赵老师");
        await page.FillAsync("#contact-phone", "13800005678");
        await page.ClickAsync("[data-testid=join-waitlist]");
        await Expect(page.Locator("[data-testid=booked]")).ToContainTextAsync("候补");

        await Ui.GoAsync(page, "/school/waitlist");
        var row = page.Locator("[data-testid=waitlist-row] [data-status]");
        await Expect(row).ToHaveAttributeAsync("data-status", "Waiting");
        await Expect(page.Locator("tr", new() { HasText = "科普剧表演工作坊" })).ToContainTextAsync("1");

        // school1 cancels: the seats are held for school2, whose open page hears it.
        var school1 = await fixture.ClientForAsync("school1");
        (await school1.PostAsync($"/api/bookings/{taken}/cancel", System.Net.Http.Json.JsonContent.Create(new { reason = "活动调整" }))).EnsureSuccessStatusCode();
        await Expect(row).ToHaveAttributeAsync("data-status", "Held", new() { Timeout = 5000 });
        // Re-rendered by the live event, still in the page's language (dates too).
        await Expect(page.Locator("tr", new() { HasText = "科普剧表演工作坊" })).ToContainTextAsync("周");
        await Ui.ScreenshotAsync(page, "school-waitlist");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.ScreenshotAsync(page, "school-waitlist");
        await page.SetViewportSizeAsync(Browser.Desktop.Width, Browser.Desktop.Height);

        await Ui.GoAsync(page, "/school");
        var held = page.Locator("[data-testid=held-entry]", new() { HasText = "科普剧表演工作坊" });
        await Expect(held).ToContainTextAsync("前接受");
        await Ui.ScreenshotAsync(page, "school-home");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.ScreenshotAsync(page, "school-home");

        await held.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(held).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=requested-booking]", new() { HasText = "科普剧表演工作坊" })).ToHaveCountAsync(1);
    }

    [SkippableFact]
    public async Task Plan_SavedWithTheBudgetInYuan_ShowsItsSummary()
    {
        Skip.IfNot(Browser.Available, SkipReason);
        await using var context = await browser.ContextAsync(fixture.Host);
        var page = await Ui.SignInAsync(context, "school13", "/school/plan");

        await page.SelectOptionAsync("#semester", new SelectOptionValue { Index = 1 }); // next semester: no demo plan there
        await Expect(page.Locator("[role=alert], .ant-alert").First).ToBeVisibleAsync();
        await page.FillAsync("[data-testid=budget]", "");
        await page.ClickAsync("[data-testid=save-plan]");
        await Expect(page.Locator("#error-budgetFen")).ToBeVisibleAsync();

        await page.CheckAsync("text=科普");
        await page.FillAsync("#cat-Science", "120");
        await page.FillAsync("[data-testid=budget]", "12345.6");
        await page.ClickAsync("[data-testid=add-window]");
        await page.ClickAsync("[data-testid=save-plan]");
        await Expect(page.Locator("[data-testid=saved]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=plan-summary]")).ToContainTextAsync("¥12,345.60");
        Assert.Equal("¥0.00", (await page.InnerTextAsync("[data-testid=committed]")).Trim());
        await Ui.ScreenshotAsync(page, "school-plan");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.ScreenshotAsync(page, "school-plan");

        await page.ReloadAsync();
        await Ui.WaitInteractiveAsync(page);
        await page.SelectOptionAsync("#semester", new SelectOptionValue { Index = 1 });
        await Expect(page.Locator("[data-testid=budget]")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(@"^12345\.60?$"));
        await Expect(page.Locator("[data-testid=window]")).ToHaveCountAsync(1);
    }
}
