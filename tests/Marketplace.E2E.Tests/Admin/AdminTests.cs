using Marketplace.E2E.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Marketplace.E2E.Tests.Admin;

/// <summary>The administrator's districts and users; a user whose password was reset is sent to change it and lands home.</summary>
[Collection(E2ECollection.Name)]
public sealed class AdminTests(Browser browser, HostFixture fixture) : IClassFixture<HostFixture>
{
    [SkippableFact]
    public async Task Admin_SeesDistrictsAndBureaus_AndAFieldErrorWhenATravelLimitHasNoCentre()
    {
        Skip.IfNot(Browser.Available, "Debian chromium is not installed (./test.sh installs it)");
        await using var context = await browser.ContextAsync(fixture.Host);
        var page = await Ui.SignInAsync(context, "admin", "/admin");
        await Assertions.Expect(page.Locator("[data-testid=count-districts] .count")).ToHaveTextAsync("12");
        await Ui.ScreenshotAsync(page, "admin-home");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await Ui.GoAsync(page, "/admin/districts");
        await Assertions.Expect(page.Locator("tr", new() { HasText = "110105" })).ToContainTextAsync("北京市朝阳区教育局");
        await Ui.ScreenshotAsync(page, "admin-districts");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.Locator("#district-code").FillAsync("110106");
        await page.Locator("#district-name").FillAsync("丰台区");
        await page.Locator("#district-city").FillAsync("北京市");
        await page.Locator("#district-province").FillAsync("北京市");
        await page.Locator("#district-km").FillAsync("15");
        await page.Locator("#district-km").PressAsync("End");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=district-form]")).ToContainTextAsync("设置出行公里数时须填写区县中心坐标");

        await page.Locator("#district-lat").FillAsync("39.8585");
        await page.Locator("#district-lon").FillAsync("116.2867");
        await page.Locator("#district-lon").PressAsync("End");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=done]")).ToContainTextAsync("丰台区");
        await Assertions.Expect(page.Locator("tr", new() { HasText = "110106" })).ToContainTextAsync("15");
        await Assertions.Expect(page.Locator("[data-testid=bureau-form]")).ToBeVisibleAsync(); // 丰台 has no bureau yet
        await page.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.ScreenshotAsync(page, "admin-districts");
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    [SkippableFact]
    public async Task Admin_AddsAUser_AndResetsItsPassword_ThenTheUserMustChangeIt_AndLandsHome()
    {
        Skip.IfNot(Browser.Available, "Debian chromium is not installed (./test.sh installs it)");
        await using var admin = await browser.ContextAsync(fixture.Host);
        var page = await Ui.SignInAsync(admin, "admin", "/admin/users");
        await page.Locator("#organisation").SelectOptionAsync(new SelectOptionValue { Label = "北京市朝阳区教育局 (朝阳区)" });
        await Assertions.Expect(page.Locator("[data-testid=user-bureau-110105]")).ToBeVisibleAsync();

        await page.Locator("#add-username").FillAsync("chaoyang-staff");
        await page.Locator("#add-display").FillAsync("朝阳区课后服务科 张老师");
        await page.Locator("#add-password").FillAsync("Initial#2026");
        await page.Locator("#add-password").PressAsync("End");
        await page.GetByRole(AriaRole.Button, new() { Name = "添加", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=done]")).ToContainTextAsync("chaoyang-staff");
        await page.ClickAsync("[data-testid=user-chaoyang-staff]");
        await page.Locator("#user-new-password").FillAsync("Reset#2026x");
        await page.Locator("#user-new-password").PressAsync("End");
        await page.GetByRole(AriaRole.Button, new() { Name = "重置密码" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=done]")).ToContainTextAsync("须修改密码");
        await Assertions.Expect(page.Locator("tr", new() { HasText = "chaoyang-staff" })).ToContainTextAsync("须修改密码");
        await Ui.ScreenshotAsync(page, "admin-users");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.ScreenshotAsync(page, "admin-users");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await using var user = await browser.ContextAsync(fixture.Host);
        var own = await user.NewPageAsync();
        await own.GotoAsync("/login");
        await own.FillAsync("#username", "chaoyang-staff");
        await own.FillAsync("#password", "Reset#2026x");
        await own.ClickAsync("button[type=submit]");
        await own.WaitForURLAsync("**/account/password");
        await Assertions.Expect(own.Locator("[data-testid=must-change]")).ToBeVisibleAsync();
        await Ui.ScreenshotAsync(own, "password");
        await Axe.AssertNoSeriousViolationsAsync(own);

        await own.FillAsync("#current-password", "Reset#2026x");
        await own.FillAsync("#new-password", "Changed#2027");
        await own.FillAsync("#repeat-password", "Changed#2028");
        await own.ClickAsync("button[type=submit]");
        await Assertions.Expect(own.Locator("#repeat-password-error")).ToHaveTextAsync("两次输入的新密码不一致");

        await own.FillAsync("#current-password", "Reset#2026x");
        await own.FillAsync("#new-password", "Changed#2027");
        await own.FillAsync("#repeat-password", "Changed#2027");
        await own.ClickAsync("button[type=submit]");
        await own.WaitForURLAsync("**/bureau");
        await Ui.WaitInteractiveAsync(own);
        await Assertions.Expect(own.Locator("h1")).ToHaveTextAsync("教育局工作台");
        await own.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.GoAsync(own, "/account");
        await own.ClickAsync("[data-testid=change-password]");
        await own.WaitForURLAsync("**/account/password");
        await Ui.ScreenshotAsync(own, "password");
    }
}
