using System.Globalization;
using Marketplace.E2E.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.E2E.Tests.Flow;

/// <summary>
/// The whole flow, every step in a browser as the person who does it: a provider applies → 东城's bureau approves it → the
/// provider writes an offering and submits it → the bureau approves the offering → the provider schedules weekly sessions →
/// a 东城 school finds it with a Chinese query → books a term series → the provider confirms → the school's open bookings
/// page shows 已确认 without reload.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class WholeFlowTests(Browser browser) : IDisposable
{
    private const string Provider = "东城区青少年机器人活动中心";
    private const string Title = "少儿机器人搭建与编程";
    private readonly WebHost _host = new();

    [SkippableFact]
    public async Task ProviderApplies_BureauApproves_OfferingPublished_SchoolFindsAndBooksATerm_ProviderConfirms_SchoolSeesItLive()
    {
        Skip.IfNot(Browser.Available, "Debian chromium is not installed (./test.sh installs it)");

        // 1. The provider applies (anonymous page), for 东城 only.
        await using var providerContext = await browser.ContextAsync(_host);
        var provider = await providerContext.NewPageAsync();
        await provider.GotoAsync("/register");
        await provider.GetByLabel("机构名称").FillAsync(Provider);
        await provider.GetByLabel("机构类型").SelectOptionAsync("YouthPalace");
        await provider.GetByLabel("统一社会信用代码").FillAsync("12110101400123456T");
        await provider.GetByLabel("联系人").FillAsync("赵老师");
        await provider.GetByLabel("联系电话").FillAsync("13800138000");
        await provider.GetByLabel("东城区").CheckAsync();
        await provider.GetByLabel("用户名").FillAsync("dc-robotics");
        await provider.GetByLabel("密码", new() { Exact = true }).FillAsync("Robot#2026go");
        await provider.ClickAsync("button[type=submit]");
        await Expect(provider.Locator("[data-testid=registered]")).ToContainTextAsync("待审核");

        // 2. 东城's bureau approves it, with a reason.
        await using var bureauContext = await browser.ContextAsync(_host);
        var bureau = await Ui.SignInAsync(bureauContext, "bureau-110101", "/bureau/providers");
        await bureau.GetByRole(AriaRole.Button, new() { Name = Provider }).ClickAsync();
        await bureau.Locator("#decision-reason").FillAsync("资质齐全，场地安全检查合格");
        await bureau.Locator("#decision-reason").PressAsync("End");
        await bureau.GetByRole(AriaRole.Button, new() { Name = "准予入库" }).ClickAsync();
        await Expect(bureau.Locator("[data-testid=done]")).ToContainTextAsync(Provider);

        // 3. The provider signs in and writes the offering (请进来, 东城), then submits it for review.
        provider = await Ui.SignInAsync(providerContext, "dc-robotics", "/provider/offerings/new", "Robot#2026go");
        await provider.Locator("form.editor[data-ready=true]").WaitForAsync();
        await provider.GetByLabel("课程名称").FillAsync(Title);
        await provider.GetByLabel("课程名称").PressAsync("End");
        await provider.GetByLabel("简介").FillAsync("用积木搭建机器人并编程，培养工程思维与团队协作");
        await provider.GetByLabel("类别").SelectOptionAsync("Science");
        await provider.GetByLabel("请进来", new() { Exact = true }).CheckAsync();
        await provider.GetByLabel("4年级").CheckAsync();
        await provider.GetByLabel("5年级").CheckAsync();
        await provider.GetByLabel("单价（元 / 每生每次）").FillAsync("30");
        await provider.GetByLabel("东城区").CheckAsync();
        await provider.GetByRole(AriaRole.Button, new() { Name = "保存并提交审核" }).ClickAsync();
        await Expect(provider.Locator("[data-testid=offering-status]")).ToHaveTextAsync("待审核");
        var offeringId = provider.Url[(provider.Url.LastIndexOf('/') + 1)..];

        // 4. The bureau approves the offering.
        await Ui.GoAsync(bureau, "/bureau/offerings");
        await bureau.GetByRole(AriaRole.Button, new() { Name = Title }).ClickAsync();
        await bureau.GetByRole(AriaRole.Button, new() { Name = "审核通过并发布" }).ClickAsync();
        await Expect(bureau.Locator("[data-testid=done]")).ToContainTextAsync(Title);

        // 5. The provider schedules a session a week for three weeks, from a school day three days ahead.
        var first = SchoolDay(DateTimeOffset.UtcNow.AddDays(3));
        var weekday = new[] { "周日", "周一", "周二", "周三", "周四", "周五", "周六" }[(int)first.DayOfWeek];
        await Ui.GoAsync(provider, $"/provider/sessions?offering={offeringId}");
        await provider.GetByLabel("开始日期").FillAsync(Iso(first));
        await provider.GetByLabel("结束日期").FillAsync(Iso(first.AddDays(20)));
        await provider.GetByLabel(weekday, new() { Exact = true }).CheckAsync();
        await provider.GetByRole(AriaRole.Button, new() { Name = "按周添加" }).ClickAsync();
        await Expect(provider.Locator("[data-testid=scheduled]")).ToContainTextAsync("已添加");

        // 6. A 东城 school finds it with a Chinese query (the index follows within about a second) and opens it.
        await using var schoolContext = await browser.ContextAsync(_host);
        var school = await Ui.SignInAsync(schoolContext, "school1", "/school/search?q=" + Uri.EscapeDataString("机器人编程"));
        var hit = school.Locator($"[data-testid=hit][data-id='{offeringId}']");
        for (var attempt = 0; attempt < 10 && await hit.CountAsync() == 0; attempt++)
        {
            await school.WaitForTimeoutAsync(500);
            await Ui.GoAsync(school, "/school/search?q=" + Uri.EscapeDataString("机器人编程"));
        }
        await Expect(hit.Locator("em").First).ToBeVisibleAsync(); // the query's words highlighted
        await hit.Locator($"a[href='/school/offerings/{offeringId}']").ClickAsync();
        await Expect(school.Locator("[data-testid=offering-title]")).ToHaveTextAsync(Title);

        // 7. A term booking of the first two sessions.
        await school.CheckAsync("[data-testid=kind-series]");
        var sessions = school.Locator("[data-testid=session]");
        await Expect(sessions.Nth(1)).ToBeVisibleAsync();
        foreach (var id in new[] { await sessions.Nth(0).GetAttributeAsync("data-id"), await sessions.Nth(1).GetAttributeAsync("data-id") })
            await school.CheckAsync($"#session-{Guid.Parse(id!):N}");
        await school.FillAsync("#pupils", "24");
        await school.CheckAsync("text=4年级");
        await school.FillAsync("#contact-name", "李老师");
        await school.FillAsync("#contact-phone", "13900001111");
        await school.ClickAsync("[data-testid=book-submit]");
        await Expect(school.Locator("[data-testid=booked]")).ToBeVisibleAsync();

        // 8. The school keeps its bookings page open; the provider confirms the term booking.
        await Ui.GoAsync(school, "/school/bookings");
        await school.GetByRole(AriaRole.Tab, new() { Name = "整学期预约（1）" }).ClickAsync();
        var status = school.Locator("[data-testid=series-row] [data-status]");
        await Expect(status).ToHaveAttributeAsync("data-status", "Requested");

        await Ui.GoAsync(provider, "/provider/requests");
        var series = provider.Locator("[data-testid=series]", new() { HasText = Title });
        await series.GetByRole(AriaRole.Button, new() { Name = "确认" }).ClickAsync();
        await Expect(series).ToHaveCountAsync(0); // answered: it leaves the list of term bookings awaiting an answer

        // 9. Without a reload, the school's page shows it confirmed.
        await Expect(status).ToHaveAttributeAsync("data-status", "Confirmed", new() { Timeout = 5000 });
        await Expect(status).ToHaveTextAsync("已确认");
        await Ui.ScreenshotAsync(school, "flow-school-bookings-confirmed");
        Assert.Empty(browser.ExternalRequests);
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The Beijing day, moved to the next weekday that is no public holiday.</summary>
    private static DateOnly SchoolDay(DateTimeOffset at)
    {
        var day = DateOnly.FromDateTime(at.ToOffset(TimeSpan.FromHours(8)).DateTime);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || Marketplace.Core.Catalog.SchoolCalendar.Default.IsPublicHoliday(day))
            day = day.AddDays(1);
        return day;
    }

    public void Dispose() => _host.Dispose();
}
