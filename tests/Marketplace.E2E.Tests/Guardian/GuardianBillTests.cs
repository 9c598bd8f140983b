using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.E2E.Tests.Infrastructure;
using Marketplace.E2E.Tests.School;
using Microsoft.Playwright;

namespace Marketplace.E2E.Tests.Guardian;

/// <summary>
/// Issue 18, the guardian's bill page on a phone: school1 books a session starting in seconds, opens a first-come window over it,
/// guardian1 applies for its child, the school approves (学校复核 bills the child), the session starts and the school's roll call marks
/// the child absent (through the API); the guardian's page shows the bill line and, on reload, the absence credit (缺勤退费) with a
/// balance of ¥0.00 — the page reads on load; it does not push.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class GuardianBillTests(Browser browser, HostFixture fixture) : IClassFixture<HostFixture>
{
    private const string NoBrowser = "Debian chromium is not installed (./test.sh installs it)";

    private DemoApi Api => new(fixture.Host);

    [SkippableFact]
    public async Task Guardian_SeesTheBill_AndTheAbsenceCredit_OnAPhone()
    {
        Skip.IfNot(Browser.Available, NoBrowser);
        var start = DemoApi.WholeSecondsFromNow(TimeSpan.FromSeconds(20));
        var bookingId = await Api.ConfirmedBookingAsync("机器人编程（账单）", start);
        var school = await Api.ClientForAsync("school1");

        var window = await DemoApi.Json(await school.PostAsJsonAsync("/api/selection-windows", new
        {
            title = "账单测试选课", opensAt = DateTimeOffset.UtcNow.AddMinutes(-1), closesAt = DateTimeOffset.UtcNow.AddDays(2), mode = "FirstCome", capPerPupil = 1,
            termsVersion = "terms-bill", safetyPledgeRequired = false, programmes = new[] { new { bookingId } },
        }));
        var windowId = window["id"]!.GetValue<Guid>();
        var guardian = await Api.ClientForAsync("guardian1");
        var child = (await DemoApi.Json(await guardian.GetAsync("/api/guardian/children"))).AsArray().First(c => c!["grade"]!.GetValue<int>() <= 6)!;
        var pupilId = child["id"]!.GetValue<Guid>();
        var applied = await DemoApi.Json(await guardian.PostAsJsonAsync($"/api/selection-windows/{windowId}/applications",
            new { pupilId, choices = new[] { bookingId }, acceptedTerms = "terms-bill", safetyPledge = false }));
        var applicationId = applied["id"]!.GetValue<Guid>();
        await DemoApi.Json(await school.PostAsJsonAsync($"/api/selection-windows/{windowId}/applications/{applicationId}/class-review", new { approve = true }));
        await DemoApi.Json(await school.PostAsJsonAsync($"/api/selection-windows/{windowId}/applications/{applicationId}/school-review", new { approve = true }));

        await using var context = await browser.ContextAsync(fixture.Host, Browser.Phone);
        var path = $"/guardian/children/{pupilId}/bills";
        var page = await Ui.SignInAsync(context, "guardian1", path);
        if (!page.Url.Contains(path, StringComparison.Ordinal)) await Ui.GoAsync(page, path);
        var line = page.Locator("[data-testid=line]");
        for (var i = 0; i < 20 && await line.CountAsync() == 0; i++)
        {
            await page.WaitForTimeoutAsync(500); // the outbox bills within moments of the approval
            await Ui.GoAsync(page, path);
        }
        await Assertions.Expect(line).ToContainTextAsync("机器人编程（账单）");
        var billed = await page.Locator("[data-testid=billed]").First.TextContentAsync();
        Assert.StartsWith("¥", billed);
        Assert.NotEqual("¥0.00", billed);
        await Assertions.Expect(page.Locator("[data-testid=balance]").First).ToHaveTextAsync(billed!);
        await Ui.ScreenshotAsync(page, "guardian-bill");

        // The session starts; the school's 巡课 teacher marks the child absent. On reload the bill shows the credit, nothing left to pay.
        var wait = start - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        await DemoApi.Json(await school.PutAsJsonAsync($"/api/bookings/{bookingId}/roll-call", new { marks = new[] { new { pupilId, present = false } } }));
        var adjustment = page.Locator("[data-testid=adjustment][data-cause=Absence]");
        for (var i = 0; i < 20 && await adjustment.CountAsync() == 0; i++)
        {
            await page.WaitForTimeoutAsync(500);
            await Ui.GoAsync(page, path);
        }
        await Assertions.Expect(adjustment).ToContainTextAsync("缺勤退费");
        await Assertions.Expect(page.Locator("[data-testid=adjustment-amount]").First).ToHaveTextAsync("−" + billed);
        await Assertions.Expect(page.Locator("[data-testid=balance]").First).ToHaveTextAsync("¥0.00");
        await Ui.ScreenshotAsync(page, "guardian-bill-absence");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await using var desktop = await browser.ContextAsync(fixture.Host, Browser.Desktop);
        var english = await Ui.SignInAsync(desktop, "guardian1", path);
        if (!english.Url.Contains(path, StringComparison.Ordinal)) await Ui.GoAsync(english, path);
        await Ui.SwitchLanguageAsync(english);
        await Assertions.Expect(english.Locator("[data-testid=adjustment][data-cause=Absence]")).ToContainTextAsync(["Absence credit"]);
        await Ui.ScreenshotAsync(english, "guardian-bill-absence");
        Assert.Empty(browser.ExternalRequests);
    }
}
