using System.Text.Json.Nodes;
using Marketplace.E2E.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Marketplace.E2E.Tests.Provider;

/// <summary>
/// The provider workspace in a real browser: requests arrive live and are confirmed, the offering editor screens 学科类 words as
/// the provider types, registration, the sessions calendar with a weekly recurrence and its holiday warnings.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class ProviderWorkspaceTests(Browser browser, ProviderHost fixture) : IClassFixture<ProviderHost>
{
    private const string NoBrowser = "Debian chromium is not installed (./test.sh installs it)";

    [SkippableFact]
    public async Task ARequest_AppearsWithoutReload_AndConfirmingItShowsConfirmed()
    {
        Skip.IfNot(Browser.Available, NoBrowser);
        var (_, sessionId) = await fixture.FreshSessionAsync();
        await using var context = await browser.ContextAsync(fixture.Host);
        var page = await Ui.SignInAsync(context, "provider1", "/provider/requests");
        await page.GetByRole(AriaRole.Heading, new() { Name = "预约请求" }).WaitForAsync();

        var bookingId = await fixture.BookAsync(sessionId);

        var card = page.Locator($"[data-testid=request][data-id='{bookingId}']");
        await card.WaitForAsync(); // arrived live: the page was not reloaded
        Assert.Equal("待确认", (await card.Locator("[data-testid=status]").InnerTextAsync()).Trim());
        Assert.Contains("三年级二班", await card.InnerTextAsync());
        await Ui.ScreenshotAsync(page, "provider-requests");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await card.GetByRole(AriaRole.Button, new() { Name = "确认" }).ClickAsync();
        await Assertions.Expect(card.Locator("[data-testid=status]")).ToHaveTextAsync("已确认");
        var school = await fixture.ApiAsync("school1");
        var booking = await ProviderHost.ReadAsync(await school.GetAsync($"/api/bookings/{bookingId}"));
        Assert.Equal("Confirmed", booking["status"]!.GetValue<string>());

        await page.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.ScreenshotAsync(page, "provider-requests");
        Assert.Empty(browser.ExternalRequests);
    }

    [SkippableFact]
    public async Task DecliningNeedsAReason_ShownUnderTheField()
    {
        Skip.IfNot(Browser.Available, NoBrowser);
        var (_, sessionId) = await fixture.FreshSessionAsync("少儿篮球基础");
        var bookingId = await fixture.BookAsync(sessionId, pupils: 12);
        await using var context = await browser.ContextAsync(fixture.Host);
        var page = await Ui.SignInAsync(context, "provider1", "/provider/requests");
        var card = page.Locator($"[data-testid=request][data-id='{bookingId}']");

        await card.GetByRole(AriaRole.Button, new() { Name = "婉拒" }).ClickAsync();
        await card.GetByRole(AriaRole.Button, new() { Name = "婉拒并通知学校" }).ClickAsync();
        await Assertions.Expect(card.Locator(".field-error")).ToBeVisibleAsync();
        await card.GetByLabel("婉拒理由（学校可见）").FillAsync("该时段场地已有安排");
        await card.GetByRole(AriaRole.Button, new() { Name = "婉拒并通知学校" }).ClickAsync();
        await Assertions.Expect(card.Locator("[data-testid=status]")).ToHaveTextAsync("已婉拒");
    }

    [SkippableFact]
    public async Task TheEditor_ScreensTheTitleWhileTyping_SavesADraft_AndSubmitsItForReview()
    {
        Skip.IfNot(Browser.Available, NoBrowser);
        await using var context = await browser.ContextAsync(fixture.Host);
        var page = await Ui.SignInAsync(context, "provider1", "/provider/offerings/new");
        await page.Locator("form.editor[data-ready=true]").WaitForAsync(); // interactive and loaded
        var screening = page.Locator("[data-testid=screening]");
        Assert.Equal("Pass", await screening.GetAttributeAsync("data-tier"));

        await page.GetByLabel("课程名称").PressSequentiallyAsync("趣味化学实验秀");
        await Assertions.Expect(page.GetByLabel("课程名称")).ToHaveValueAsync("趣味化学实验秀"); // no keystroke lost to a render
        await Assertions.Expect(screening).ToHaveAttributeAsync("data-tier", "Flag"); // before anything is saved
        Assert.Contains("化学", await screening.InnerTextAsync());
        await page.GetByLabel("课程名称").FillAsync("初中物理同步辅导");
        await page.GetByLabel("课程名称").PressAsync("End");
        await Assertions.Expect(screening).ToHaveAttributeAsync("data-tier", "Refuse");
        await page.GetByLabel("课程名称").FillAsync("趣味化学实验秀");
        await page.GetByLabel("课程名称").PressAsync("End");
        await Assertions.Expect(screening).ToHaveAttributeAsync("data-tier", "Flag");

        await page.GetByLabel("简介").FillAsync("用生活中的材料做安全有趣的科学实验");
        await page.GetByLabel("类别").SelectOptionAsync("Science");
        await page.GetByLabel("请进来", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("3年级").CheckAsync();
        await page.GetByLabel("4年级").CheckAsync();
        await page.GetByLabel("单价（元 / 每生每次）").FillAsync("12.5");
        await Ui.ScreenshotAsync(page, "provider-offering-editor");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "保存草稿" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=offering-status]")).ToHaveTextAsync("草稿");
        Assert.Matches("/provider/offerings/[0-9a-f-]{36}$", page.Url);

        // Submitting a flagged offering needs the justification, refused next to its field first.
        await page.GetByRole(AriaRole.Button, new() { Name = "保存并提交审核" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=error-screeningJustification]")).ToBeVisibleAsync();
        await page.GetByLabel("说明理由（为何不属于学科类培训）").FillAsync("化学在此为科普实验表演，不涉及学科课程内容");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存并提交审核" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=offering-status]")).ToHaveTextAsync("待审核");

        await page.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.ScreenshotAsync(page, "provider-offering-editor");

        await Ui.GoAsync(page, "/provider/offerings");
        await Assertions.Expect(page.Locator("[data-testid=offering]", new() { HasText = "趣味化学实验秀" })).ToContainTextAsync("待审核");
        await Ui.ScreenshotAsync(page, "provider-offerings");
        await page.SetViewportSizeAsync(Browser.Desktop.Width, Browser.Desktop.Height);
        await Ui.ScreenshotAsync(page, "provider-offerings");
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    [SkippableFact]
    public async Task AValidationError_ShowsNextToItsField_InChinese_AndInEnglish()
    {
        Skip.IfNot(Browser.Available, NoBrowser);
        await using var context = await browser.ContextAsync(fixture.Host);
        var page = await Ui.SignInAsync(context, "provider2", "/provider/offerings/new");
        await page.Locator("form.editor[data-ready=true]").WaitForAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "保存草稿" }).ClickAsync();
        var chinese = await page.Locator("[data-testid=error-title]").InnerTextAsync();
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", chinese);
        Assert.Equal("true", await page.GetByLabel("课程名称").GetAttributeAsync("aria-invalid"));

        await Ui.SwitchLanguageAsync(page);
        await page.Locator("form.editor[data-ready=true]").WaitForAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        var english = await page.Locator("[data-testid=error-title]").InnerTextAsync();
        Assert.DoesNotMatch(@"\p{IsCJKUnifiedIdeographs}", english);
        Assert.NotEqual(chinese, english);
        Assert.Equal("true", await page.GetByLabel("Title", new() { Exact = true }).GetAttributeAsync("aria-invalid"));
    }

    [SkippableFact]
    public async Task Registration_WithFieldErrors_ThenAccepted_IsPendingInEachDistrict()
    {
        Skip.IfNot(Browser.Available, NoBrowser);
        await using var context = await browser.ContextAsync(fixture.Host);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.ClickAsync("a[href='/register']");
        await page.GetByLabel("机构名称").FillAsync("北京市东城区青少年科技活动中心");
        await page.GetByLabel("统一社会信用代码").FillAsync("12345");
        await page.ClickAsync("button[type=submit]");
        Assert.Equal("北京市东城区青少年科技活动中心", await page.GetByLabel("机构名称").InputValueAsync()); // kept
        Assert.True(await page.Locator("[data-testid=error-creditCode]").IsVisibleAsync());
        Assert.True(await page.Locator("[data-testid=error-kind]").IsVisibleAsync());
        await Ui.ScreenshotAsync(page, "provider-register");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.GetByLabel("机构类型").SelectOptionAsync("YouthPalace");
        await page.GetByLabel("统一社会信用代码").FillAsync("12110101400123456T");
        await page.GetByLabel("联系人").FillAsync("王老师");
        await page.GetByLabel("联系电话").FillAsync("13800138000");
        await page.GetByLabel("东城区").CheckAsync();
        await page.GetByLabel("西城区").CheckAsync();
        await page.GetByLabel("用户名").FillAsync("dongcheng-youth");
        await page.GetByLabel("密码", new() { Exact = true }).FillAsync("Youth#2026go");
        await page.ClickAsync("button[type=submit]");

        var done = page.Locator("[data-testid=registered]");
        await done.WaitForAsync();
        Assert.Contains("待审核", await done.InnerTextAsync());
        await page.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.ScreenshotAsync(page, "provider-registered");

        // 东城's bureau lists it pending.
        var bureau = await fixture.ApiAsync("bureau-110101");
        var pending = (await ProviderHost.ReadAsync(await bureau.GetAsync("/api/providers?status=Pending"))).AsArray();
        Assert.Contains(pending, p => p!["name"]!.GetValue<string>() == "北京市东城区青少年科技活动中心");
    }

    [SkippableFact]
    public async Task AWeeklyRecurrence_OverNewYear_ShowsItsSessions_AndWarnsOfTheHoliday()
    {
        Skip.IfNot(Browser.Available, NoBrowser);
        var (offeringId, _) = await fixture.FreshSessionAsync("趣味科学实验秀");
        var today = Marketplace.Core.Shared.ChinaTime.DateOf(DateTimeOffset.UtcNow);
        var newYear = new DateOnly(today.Year + 1, 1, 1); // 元旦, a holiday in every year's built-in calendar
        if (newYear.AddDays(-7) <= today.AddDays(1)) newYear = newYear.AddYears(1);
        static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var weekday = new[] { "周日", "周一", "周二", "周三", "周四", "周五", "周六" }[(int)newYear.DayOfWeek];

        await using var context = await browser.ContextAsync(fixture.Host);
        var page = await Ui.SignInAsync(context, "provider1", $"/provider/sessions?offering={offeringId}");
        await page.GetByLabel("开始日期").FillAsync(Iso(newYear.AddDays(-7)));
        await page.GetByLabel("结束日期").FillAsync(Iso(newYear.AddDays(7)));
        await page.GetByLabel(weekday, new() { Exact = true }).CheckAsync();

        var warning = page.Locator("[data-testid=holiday-warning]");
        await Assertions.Expect(warning).ToContainTextAsync("1月1日"); // before anything is scheduled
        Assert.Contains("法定节假日", await warning.InnerTextAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "按周添加" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=scheduled]")).ToContainTextAsync("已添加 2 个场次");
        Assert.Contains("1月1日", await page.Locator("[data-testid=scheduled]").InnerTextAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = "下个月 →" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=month]")).ToHaveTextAsync($"{newYear.Year}年1月");
        var holiday = page.Locator($"[data-date='{Iso(newYear)}']");
        await Assertions.Expect(holiday).ToContainTextAsync("节假日");
        Assert.Equal(0, await holiday.Locator("[data-testid=session]").CountAsync());
        var after = page.Locator($"[data-date='{Iso(newYear.AddDays(7))}'] [data-testid=session]");
        await Assertions.Expect(after).ToContainTextAsync("15:40–17:10");
        await Ui.ScreenshotAsync(page, "provider-sessions");
        await Axe.AssertNoSeriousViolationsAsync(page);

        // Cancel the session after the holiday, with a reason.
        await after.ClickAsync();
        await page.GetByLabel("取消理由（已预约的学校会收到）").FillAsync("场馆检修");
        await page.GetByRole(AriaRole.Button, new() { Name = "取消场次" }).ClickAsync();
        await Assertions.Expect(after).ToContainTextAsync("已取消");

        await page.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.ScreenshotAsync(page, "provider-sessions");
    }

    [SkippableFact]
    public async Task TheHome_CountsRequestsLive_AndTheProfileShowsTheVettingPerDistrict()
    {
        Skip.IfNot(Browser.Available, NoBrowser);
        var (_, sessionId) = await fixture.FreshSessionAsync("绘本阅读与讲述");
        await using var context = await browser.ContextAsync(fixture.Host);
        var page = await Ui.SignInAsync(context, "provider1", "/provider");
        var awaiting = page.Locator("[data-testid=stat-requests] .value");
        var before = int.Parse(await awaiting.InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        await fixture.BookAsync(sessionId, pupils: 8);
        await Assertions.Expect(awaiting).ToHaveTextAsync((before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(await page.Locator("[data-testid=vetting]").CountAsync() > 0);
        await Ui.ScreenshotAsync(page, "provider-home");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.ScreenshotAsync(page, "provider-home");

        // provider19 registered and is still pending: each district's entry says so.
        await using var other = await browser.ContextAsync(fixture.Host);
        var pending = await Ui.SignInAsync(other, "provider19", "/provider/profile");
        var entries = pending.Locator("[data-testid=approval-status]");
        await Assertions.Expect(entries.First).ToHaveTextAsync("待审核");
        await Ui.ScreenshotAsync(pending, "provider-profile");
        await Axe.AssertNoSeriousViolationsAsync(pending);
        await pending.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.ScreenshotAsync(pending, "provider-profile");
    }
}
