using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.E2E.Tests.Infrastructure;
using Marketplace.E2E.Tests.School;
using Microsoft.Playwright;

namespace Marketplace.E2E.Tests.Money;

/// <summary>
/// Issue 15's flow in a real browser, with DOMAIN.md's worked example: 朝阳's policy (S ¥3.00, F ¥3.50 per 课时, insurance ¥1.00
/// as 代收费) → school3 sees the quote for 30 pupils (2 家庭经济困难) of an 80-minute ¥12.00 session and books → provider1 confirms,
/// and after the start records 27 attending → school3 confirms the delivery → provider1's statement shows ¥324.00 delivered and
/// outstanding → school3 records an offline payment → provider1's statement shows it paid.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class MoneyFlowTests(Browser browser, HostFixture fixture) : IClassFixture<HostFixture>
{
    private const string NoBrowser = "Debian chromium is not installed (./test.sh installs it)";

    /// <summary>
    /// The bureau's policy through the API (the bureau's policy page is another page's work), and provider1's 朝阳 offering with one
    /// session starting <paramref name="startsIn"/> from now (bookable until its start: minLeadHours 0), so the test can wait for
    /// it to start before delivery is recorded — the API refuses a delivery before the session starts.
    /// </summary>
    private async Task<(Guid OfferingId, Guid SessionId, DateTimeOffset Start)> SetUpAsync(TimeSpan startsIn)
    {
        var api = new DemoApi(fixture.Host);
        var bureau = await api.ClientForAsync("bureau-110105");
        var semester = Marketplace.Core.Schools.Semester.Of(DateTimeOffset.UtcNow).Name;
        await Ok(await bureau.PutAsJsonAsync("/api/districts/110105/funding-policy", new
        {
            semester, subsidyFen = 300, subsidyUnit = "PerLesson", familyCapFen = 350, familyCapUnit = "PerLesson",
            collectedFees = new[] { new { kind = "Insurance", maxFen = 100 } }, disputeDays = 7,
        }));
        var provider = await api.ClientForAsync("provider1");
        var offering = await Ok(await provider.PostAsJsonAsync("/api/offerings", new
        {
            title = "少儿天文科普", summary = "认识星空与望远镜", description = "每次 80 分钟：星图、望远镜操作与观测记录。", category = "Science",
            mode = "OnCampus", grades = new[] { 3, 4 }, minGroup = 1, maxGroup = 40, durationMinutes = 80, priceFen = 1200, minLeadHours = 0,
            districts = new[] { "110105" }, collectedFees = new[] { new { kind = "Insurance", amountFen = 100 } },
        }));
        var id = offering["id"]!.GetValue<Guid>();
        await Ok(await provider.PostAsync($"/api/offerings/{id}/submit", null));
        await Ok(await bureau.PostAsync($"/api/offerings/{id}/approve", null));
        var start = DateTimeOffset.UtcNow.Add(startsIn);
        start = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, start.Second, TimeSpan.Zero);
        var sessions = await Ok(await provider.PostAsJsonAsync($"/api/offerings/{id}/sessions", new { startsAt = start, endsAt = start.AddMinutes(80), capacity = 40 }));
        return (id, sessions.AsArray()[0]!["id"]!.GetValue<Guid>(), start);
    }

    private static Task<JsonNode> Ok(HttpResponseMessage response) => DemoApi.Json(response);

    private static Task ShootAsync(IPage page, string name) => Ui.ShootBothWidthsAsync(page, name);

    [SkippableFact]
    public async Task QuotedBookedDeliveredConfirmedAndPaid_OnTheScreens()
    {
        Skip.IfNot(Browser.Available, NoBrowser);
        var (offeringId, sessionId, start) = await SetUpAsync(TimeSpan.FromSeconds(60));
        await using var schoolContext = await browser.ContextAsync(fixture.Host);
        await using var providerContext = await browser.ContextAsync(fixture.Host);

        // The school's booking form: the quote follows what is typed.
        var school = await Ui.SignInAsync(schoolContext, "school3", $"/school/offerings/{offeringId}");
        await school.Locator($"[data-testid=session][data-id='{sessionId}'] label").ClickAsync();
        await school.FillAsync("#pupils", "30");
        await school.GetByLabel("3年级", new() { Exact = true }).CheckAsync();
        await school.FillAsync("#hardship", "2");
        var quote = school.Locator("[data-testid=quote]");
        await Assertions.Expect(quote.Locator("[data-testid=quote-total]")).ToHaveTextAsync("¥390.00");
        await Assertions.Expect(quote.Locator("[data-testid=quote-subsidy]")).ToHaveTextAsync("¥180.00");
        await Assertions.Expect(quote.Locator("[data-testid=quote-family]")).ToContainTextAsync("¥168.00");
        await Assertions.Expect(quote.Locator("[data-testid=quote-family]")).ToContainTextAsync("¥6.00");
        await Assertions.Expect(quote.Locator("[data-testid=quote-waived]")).ToHaveTextAsync("¥12.00");
        await Assertions.Expect(quote.Locator("[data-testid=quote-collected]")).ToContainTextAsync("¥30.00");
        await Assertions.Expect(quote.Locator("[data-testid=quote-lessons]")).ToHaveTextAsync("2");
        await Assertions.Expect(quote.Locator("[data-testid=quote-no-policy]")).ToHaveCountAsync(0);
        // More hardship pupils than pupils: the refusal shows in the quote box, the page carries on.
        await school.FillAsync("#hardship", "31");
        await Assertions.Expect(quote.Locator("[data-testid=quote-problem]")).ToBeVisibleAsync();
        await school.FillAsync("#hardship", "2");
        await Assertions.Expect(quote.Locator("[data-testid=quote-total]")).ToHaveTextAsync("¥390.00");
        await school.FillAsync("#contact-name", "李老师");
        await school.FillAsync("#contact-phone", "13900001111");
        await ShootAsync(school, "money-quote");
        await school.ClickAsync("[data-testid=book-submit]");
        await Assertions.Expect(school.Locator("[data-testid=booked]")).ToContainTextAsync("¥390.00");

        var schoolApi = await new DemoApi(fixture.Host).ClientForAsync("school3");
        var booking = (await Ok(await schoolApi.GetAsync($"/api/bookings?offeringId={offeringId}"))).AsArray().Single()!;
        var bookingId = booking["id"]!.GetValue<Guid>();
        Assert.Equal(2, booking["quote"]!["hardship"]!.GetValue<int>());

        // The provider confirms before the start, and records who came once it has started.
        var provider = await Ui.SignInAsync(providerContext, "provider1", "/provider/requests");
        var request = provider.Locator($"[data-testid=request][data-id='{bookingId}']");
        await request.GetByRole(AriaRole.Button, new() { Name = "确认" }).ClickAsync();
        await Assertions.Expect(request.Locator("[data-testid=status]")).ToHaveTextAsync("已确认");
        var wait = start - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        await Ui.GoAsync(provider, "/provider/requests");
        var delivery = provider.Locator($"[data-testid=delivery][data-id='{bookingId}']");
        await delivery.Locator("input[type=number]").FillAsync("27");
        await delivery.Locator("input[type=number]").PressAsync("Tab");
        await delivery.GetByRole(AriaRole.Button, new() { Name = "标记已完成" }).ClickAsync();
        await Assertions.Expect(delivery.Locator("[data-testid=status]")).ToHaveTextAsync("已完成");

        // The school sees the recorded attendance live and confirms it.
        await Ui.GoAsync(school, "/school/bookings");
        var row = school.Locator("tr", new() { Has = school.Locator($"[data-testid=booking-row][data-id='{bookingId}']") });
        await Assertions.Expect(row.Locator("[data-testid=delivery]")).ToHaveAttributeAsync("data-status", "Recorded");
        await Assertions.Expect(row).ToContainTextAsync("出勤 27 / 30 人");
        await Assertions.Expect(row).ToContainTextAsync("请在");
        await row.Locator("[data-testid=delivery-confirm]").ClickAsync();
        var modal = school.Locator(".ant-modal-content");
        await modal.Locator("#absent-hardship").WaitForAsync();
        await ShootAsync(school, "money-delivery-confirm");
        await modal.Locator(".ant-modal-footer .ant-btn-primary").ClickAsync();
        await Assertions.Expect(row.Locator("[data-testid=delivery]")).ToHaveAttributeAsync("data-status", "Confirmed");

        // The provider's statement: settled by delivery, 27 × ¥12.00, all still owed.
        var month = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        await Ui.GoAsync(provider, "/provider/statements");
        await Assertions.Expect(provider.Locator("[data-testid=delivered]")).ToHaveTextAsync("¥324.00");
        await Assertions.Expect(provider.Locator("[data-testid=outstanding]")).ToHaveTextAsync("¥324.00");
        await Assertions.Expect(provider.Locator("[data-testid=paid]")).ToHaveTextAsync("¥0.00");
        await Assertions.Expect(provider.Locator("[data-testid=school-line]").First).ToContainTextAsync(new System.Text.RegularExpressions.Regex("学校|小学|中学"));
        Assert.Equal($"/downloads/statements?month={month}&format=csv", await provider.Locator("[data-testid=download-csv]").GetAttributeAsync("href"));

        // The school pays what it owes, offline with the bank's reference.
        await Ui.GoAsync(school, "/school/statements");
        var owed = school.Locator("[data-testid=owed]");
        await Assertions.Expect(owed.Locator("[data-testid=owed-amount]")).ToHaveTextAsync("¥324.00");
        await owed.Locator("[data-testid=pay]").ClickAsync();
        await Assertions.Expect(school.Locator("[data-testid=pay-amount]")).ToHaveValueAsync("324.00");
        await school.ClickAsync("[data-testid=pay-submit]"); // no reference: refused next to the field
        await Assertions.Expect(school.Locator("[data-testid=pay-form] [data-testid=error-reference]")).ToBeVisibleAsync();
        await school.FillAsync("[data-testid=pay-reference]", "ICBC-20261201-0001");
        await school.ClickAsync("[data-testid=pay-submit]");
        await Assertions.Expect(school.Locator("[data-testid=done]")).ToContainTextAsync("¥324.00");
        await Assertions.Expect(school.Locator("[data-testid=payment]")).ToHaveAttributeAsync("data-state", "Succeeded");
        await Assertions.Expect(school.Locator("[data-testid=paid]")).ToHaveTextAsync("¥324.00");
        await Assertions.Expect(school.Locator("[data-testid=owed-amount]")).ToHaveTextAsync("¥0.00");
        await ShootAsync(school, "money-school-statements");

        // Families' fees arrive: recorded as received this month.
        await school.FillAsync("#receipt-amount", "168.00");
        await school.FillAsync("#receipt-reference", "统一缴费 2026-12");
        await school.ClickAsync("[data-testid=receipt-form] button[type=submit]");
        await Assertions.Expect(school.Locator("[data-testid=done]")).ToContainTextAsync("¥168.00");
        await Assertions.Expect(school.Locator("[data-testid=received]")).ToHaveTextAsync("¥168.00");

        // The provider's page moves without a reload: paid, nothing outstanding.
        await Assertions.Expect(provider.Locator("[data-testid=paid]")).ToHaveTextAsync("¥324.00");
        await Assertions.Expect(provider.Locator("[data-testid=outstanding]")).ToHaveTextAsync("¥0.00");
        await Assertions.Expect(provider.Locator("[data-testid=payment]")).ToHaveAttributeAsync("data-state", "Succeeded");
        await ShootAsync(provider, "money-provider-statements");

        // The payout account: a malformed one is refused next to the field, a Connect account is kept.
        await provider.FillAsync("[data-testid=payout-account]", "12345");
        await provider.ClickAsync("[data-testid=account-save]");
        await Assertions.Expect(provider.Locator("#account-error")).ToBeVisibleAsync();
        await provider.FillAsync("[data-testid=payout-account]", "acct_1TestPayout42");
        await provider.ClickAsync("[data-testid=account-save]");
        await Assertions.Expect(provider.Locator("[data-testid=account-saved]")).ToBeVisibleAsync();
        await Ui.GoAsync(provider, "/provider/statements");
        await Assertions.Expect(provider.Locator("[data-testid=payout-account]")).ToHaveValueAsync("acct_1TestPayout42");
        Assert.Empty(browser.ExternalRequests);
    }
}
