using Marketplace.E2E.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Marketplace.E2E.Tests.Bureau;

/// <summary>The district bureau's queues: vetting a provider (reason required to reject, the trail), reviewing a flagged offering,
/// the home counts; a city bureau reads the same queues without decision buttons.</summary>
[Collection(E2ECollection.Name)]
public sealed class BureauQueueTests(Browser browser, HostFixture fixture) : IClassFixture<HostFixture>
{
    private const string Provider19 = "北京星空天文科普工作室"; // pending in every Beijing district (demo seed)

    private WebHost Host => fixture.Host;

    [SkippableFact]
    public async Task Bureau_RejectsWithoutReason_IsToldNextToTheField_InBothLanguages_ThenApprovesWithAReason_AndTheTrailShowsIt()
    {
        Skip.IfNot(Browser.Available, "Debian chromium is not installed (./test.sh installs it)");
        await using var context = await browser.ContextAsync(Host);
        var page = await Ui.SignInAsync(context, "bureau-110105", "/bureau");
        var pending = int.Parse(await page.InnerTextAsync("[data-testid=count-providers] .count"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(pending >= 1);
        await Ui.ScreenshotAsync(page, "bureau-home");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.ClickAsync("[data-testid=count-providers]");
        await page.WaitForURLAsync("**/bureau/providers");
        await page.GetByRole(AriaRole.Button, new() { Name = Provider19 }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "驳回" }).ClickAsync();
        var help = page.Locator("[data-testid=provider-detail] .ant-form-item-explain");
        await Assertions.Expect(help).ToHaveTextAsync("必填");
        await Ui.ScreenshotAsync(page, "bureau-providers");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await Ui.SwitchLanguageAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = Provider19 }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=provider-detail] .ant-form-item-explain")).ToHaveTextAsync("required");

        const string reason = "资质材料齐全，场地安全检查合格";
        await page.Locator("#decision-reason").FillAsync(reason);
        await page.Locator("#decision-reason").PressAsync("End");
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=done]")).ToContainTextAsync(Provider19);
        var trail = page.Locator("[data-testid=trail] li").First;
        await Assertions.Expect(trail).ToContainTextAsync(reason);
        await Assertions.Expect(trail).ToContainTextAsync("Bureau:bureau-110105");
        await page.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.ScreenshotAsync(page, "bureau-providers");
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    [SkippableFact]
    public async Task AnOfferingSubmittedThroughTheApi_IsInTheReviewQueue_WithItsFlag_AndIsApproved()
    {
        Skip.IfNot(Browser.Available, "Debian chromium is not installed (./test.sh installs it)");
        const string title = "趣味化学实验秀（E2E）";
        const string why = "科普实验表演，不涉及化学课程标准内容";
        await using var context = await browser.ContextAsync(Host);
        var page = await Ui.SignInAsync(context, "bureau-110105", "/bureau");
        var before = int.Parse(await page.InnerTextAsync("[data-testid=count-flagged] .count"), System.Globalization.CultureInfo.InvariantCulture);

        await BureauApi.SubmitFlaggedOfferingAsync(Host, title, why);
        // The home hears the offering's event for its district and counts again, without a reload.
        await Assertions.Expect(page.Locator("[data-testid=count-flagged] .count")).ToHaveTextAsync((before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));

        await page.ClickAsync("[data-testid=count-flagged]");
        await page.WaitForURLAsync("**/bureau/offerings?filter=flagged");
        var row = page.Locator("tr", new() { Has = page.GetByRole(AriaRole.Button, new() { Name = title }) });
        await Assertions.Expect(row.Locator("[data-testid=flag]")).ToContainTextAsync("化学");
        await row.GetByRole(AriaRole.Button, new() { Name = title }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=screening]")).ToContainTextAsync(why);
        await Ui.ScreenshotAsync(page, "bureau-offerings");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "审核通过并发布" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=done]")).ToContainTextAsync(title);
        await Assertions.Expect(page.Locator("[data-testid=offering-detail]")).ToContainTextAsync("已发布");
        await Assertions.Expect(page.Locator("[data-testid=trail] li").First).ToContainTextAsync("月"); // 11月30日: still Chinese after the live reload
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = title })).ToHaveCountAsync(0); // gone from the queue
        await page.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.ScreenshotAsync(page, "bureau-offerings");
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    [SkippableFact]
    public async Task CityBureau_SeesTheQueues_ButNoDecisionButtons()
    {
        Skip.IfNot(Browser.Available, "Debian chromium is not installed (./test.sh installs it)");
        await using var context = await browser.ContextAsync(Host);
        var page = await Ui.SignInAsync(context, "city-1101", "/bureau/providers");
        await page.GetByRole(AriaRole.Button, new() { Name = Provider19 }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=provider-detail]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#decision-reason")).ToHaveCountAsync(0);
        foreach (var name in new[] { "准予入库", "驳回", "暂停" })
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true })).ToHaveCountAsync(0);

        await Ui.GoAsync(page, "/bureau/offerings?filter=all");
        await page.Locator("[data-testid^=offering-]").First.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=offering-detail]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#decision-reason")).ToHaveCountAsync(0);
    }
}
