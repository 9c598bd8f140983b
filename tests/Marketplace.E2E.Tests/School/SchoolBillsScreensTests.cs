using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.E2E.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Marketplace.E2E.Tests.School;

/// <summary>
/// Issue 18, the school's 家庭缴费 screen: school1 books a session, opens a first-come window over it, guardian1 applies for its child and
/// the school approves (through the API) — 学校复核 bills the child. On the desktop the school finds the bill (未缴, the totals row),
/// opens it, is refused without a reference (on the field), records the family's payment with a double click (one payment), and the
/// row and totals show it paid up; on a 390 px phone the list and the bill read without sideways scrolling; 东城's bureau sees the bill
/// in the 家庭缴费 tab of its settlement page. Axe and no outside requests throughout.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class SchoolBillsScreensTests(Browser browser, HostFixture fixture) : IClassFixture<HostFixture>
{
    private const string NoBrowser = "Debian chromium is not installed (./test.sh installs it)";
    private static readonly ViewportSize Phone390 = new() { Width = 390, Height = 844 };

    private DemoApi Api => new(fixture.Host);

    private static Task<JsonNode> Ok(HttpResponseMessage response) => DemoApi.Json(response);

    /// <summary>guardian1's child placed and school-approved in a first-come window of school1 over a booked session: its bill id.</summary>
    private async Task<(Guid BillId, long BilledFen)> BilledChildAsync()
    {
        var start = DateTimeOffset.UtcNow.AddDays(2);
        start = new DateTimeOffset(start.Year, start.Month, start.Day, 7, 40, 0, TimeSpan.Zero);
        var bookingId = await Api.ConfirmedBookingAsync("合唱（家庭缴费）", start);
        var school = await Api.ClientForAsync("school1");
        var windowId = (await Ok(await school.PostAsJsonAsync("/api/selection-windows", new
        {
            title = "家庭缴费测试选课", opensAt = DateTimeOffset.UtcNow.AddMinutes(-1), closesAt = DateTimeOffset.UtcNow.AddDays(1), mode = "FirstCome", capPerPupil = 1,
            termsVersion = "terms-fees", safetyPledgeRequired = false, programmes = new[] { new { bookingId } },
        })))["id"]!.GetValue<Guid>();
        var guardian = await Api.ClientForAsync("guardian1");
        var pupilId = (await Ok(await guardian.GetAsync("/api/guardian/children"))).AsArray()
            .First(c => c!["grade"]!.GetValue<int>() <= 6)!["id"]!.GetValue<Guid>();
        var applicationId = (await Ok(await guardian.PostAsJsonAsync($"/api/selection-windows/{windowId}/applications",
            new { pupilId, choices = new[] { bookingId }, acceptedTerms = "terms-fees", safetyPledge = false })))["id"]!.GetValue<Guid>();
        await Ok(await school.PostAsJsonAsync($"/api/selection-windows/{windowId}/applications/{applicationId}/class-review", new { approve = true }));
        await Ok(await school.PostAsJsonAsync($"/api/selection-windows/{windowId}/applications/{applicationId}/school-review", new { approve = true }));
        for (var i = 0; i < 100; i++)
        {
            var bills = (await Ok(await guardian.GetAsync($"/api/guardian/children/{pupilId}/bills"))).AsArray();
            if (bills.FirstOrDefault(b => b!["billedFen"]!.GetValue<long>() > 0) is { } bill)
                return (bill["id"]!.GetValue<Guid>(), bill["billedFen"]!.GetValue<long>());
            await Task.Delay(100); // the outbox bills within moments of the approval
        }
        throw new InvalidOperationException("The child was not billed.");
    }

    private static string Yuan(long fen) => "¥" + (fen / 100m).ToString("#,0.00", System.Globalization.CultureInfo.InvariantCulture);

    [SkippableFact]
    public async Task School_SeesTheBills_AndRecordsAPaymentOnce_OnDesktopAndPhone()
    {
        Skip.IfNot(Browser.Available, NoBrowser);
        var (billId, billedFen) = await BilledChildAsync();

        await using var desktop = await browser.ContextAsync(fixture.Host, Browser.Desktop);
        var page = await Ui.SignInAsync(desktop, "school1", "/school/bills");
        if (!page.Url.Contains("/school/bills", StringComparison.Ordinal)) await Ui.GoAsync(page, "/school/bills");
        await Assertions.Expect(page.Locator("a[href='/school/bills']").First).ToBeVisibleAsync();
        var row = page.Locator($"[data-testid=bill][data-id='{billId}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "Owed");
        await Assertions.Expect(row.Locator("[data-testid=bill-balance]")).ToContainTextAsync(Yuan(billedFen));
        await Assertions.Expect(page.Locator("[data-testid=totals-row]")).ToContainTextAsync(Yuan(billedFen));

        // Only what is owed: the state filter finds it, 已缴 does not.
        await page.SelectOptionAsync("[data-testid=state]", "PaidUp");
        await Assertions.Expect(row).ToHaveCountAsync(0);
        await page.SelectOptionAsync("[data-testid=state]", "Owed");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Ui.ScreenshotAsync(page, "school-bills");

        await row.Locator("[data-testid=open]").ClickAsync();
        var detail = page.Locator("[data-testid=bill-detail]");
        await Assertions.Expect(detail).ToContainTextAsync("合唱（家庭缴费）");
        await Assertions.Expect(page.Locator("[data-testid=pay-amount]")).ToHaveValueAsync((billedFen / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("[data-testid=pay-submit]");
        await Assertions.Expect(page.Locator("[data-testid=error-reference]")).ToBeVisibleAsync(); // the use case's refusal, on the field

        await page.FillAsync("[data-testid=pay-reference]", "TY-E2E-0001");
        await page.Locator("[data-testid=pay-reference]").PressAsync("End");
        await page.Locator("[data-testid=pay-submit]").DblClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=done]")).ToContainTextAsync("TY-E2E-0001");
        await Assertions.Expect(page.Locator("[data-testid=detail-payment]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=detail-balance]")).ToContainTextAsync("已缴清");
        await page.SelectOptionAsync("[data-testid=state]", "");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "PaidUp");
        await Assertions.Expect(page.Locator("[data-testid=total-paid]")).ToHaveTextAsync(Yuan(billedFen));
        var recorded = await Ok(await (await Api.ClientForAsync("school1")).GetAsync($"/api/bills/{billId}"));
        Assert.Single(recorded["payments"]!.AsArray()); // the double click recorded one payment
        Assert.Equal(0, recorded["balanceFen"]!.GetValue<long>());
        await row.Locator("[data-testid=open]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=pay-form]")).ToHaveCountAsync(0);
        await Ui.ScreenshotAsync(page, "school-bills-paid");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await using var phone = await browser.ContextAsync(fixture.Host, Phone390);
        var small = await Ui.SignInAsync(phone, "school1", "/school/bills");
        if (!small.Url.Contains("/school/bills", StringComparison.Ordinal)) await Ui.GoAsync(small, "/school/bills");
        var smallRow = small.Locator($"[data-testid=bill][data-id='{billId}']");
        await Assertions.Expect(smallRow.Locator("[data-testid=bill-balance]")).ToContainTextAsync("已缴清");
        Assert.True(await small.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the list scrolls sideways at 390 px");
        await Ui.ScreenshotAsync(small, "school-bills");
        await smallRow.Locator("[data-testid=open]").ClickAsync();
        await Assertions.Expect(small.Locator("[data-testid=detail-payment]")).ToContainTextAsync("TY-E2E-0001");
        Assert.True(await small.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the bill scrolls sideways at 390 px");
        await Ui.ScreenshotAsync(small, "school-bills-detail");
        await Axe.AssertNoSeriousViolationsAsync(small);

        await Ui.SwitchLanguageAsync(small);
        await Assertions.Expect(small.Locator("h1")).ToContainTextAsync("Family fees");

        // 东城's bureau: the 家庭缴费 tab of its settlement page sums school1's bill, paid in full.
        await using var officer = await browser.ContextAsync(fixture.Host, Browser.Desktop);
        var bureau = await Ui.SignInAsync(officer, "bureau-110101", "/bureau/settlement");
        if (!bureau.Url.Contains("/bureau/settlement", StringComparison.Ordinal)) await Ui.GoAsync(bureau, "/bureau/settlement");
        await bureau.GetByRole(AriaRole.Tab, new() { Name = "家庭缴费" }).ClickAsync();
        var fees = bureau.Locator("[data-testid=family-fees][data-district='110101']");
        await Assertions.Expect(fees.Locator("[data-testid=fee-school]")).ToHaveCountAsync(1);
        await Assertions.Expect(fees.Locator("[data-testid=fee-total]")).ToContainTextAsync(Yuan(billedFen));
        await Ui.ScreenshotAsync(bureau, "bureau-family-fees");
        await Axe.AssertNoSeriousViolationsAsync(bureau);
        Assert.Empty(browser.ExternalRequests);
    }
}
