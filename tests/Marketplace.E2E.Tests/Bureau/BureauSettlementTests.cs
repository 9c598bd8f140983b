using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Web.Components.Bureau;
using Marketplace.Core.Schools;
using Marketplace.E2E.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Marketplace.E2E.Tests.Bureau;

/// <summary>
/// The bureau's settlement screens (issue 15): the funding policy form (a 朝阳 officer sets it; the city bureau reads it), and the
/// settlement page where a disputed delivery — made through the API as the school and provider would — is decided and then
/// shows in the district's monthly statement.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class BureauSettlementTests(Browser browser, HostFixture fixture) : IClassFixture<HostFixture>
{
    private static string CurrentSemester => Semester.Of(DateTimeOffset.UtcNow).Name;

    [Theory]
    [InlineData("3.00", 300L)]
    [InlineData("3.5", 350L)]
    [InlineData("¥1,200.00", 120_000L)]
    [InlineData("0.29", 29L)]
    [InlineData("-1", -100L)]
    [InlineData(" ", null)]
    public void Amounts_AreReadAsExactFen(string text, long? fen)
    {
        Assert.True(BureauAmounts.TryFen(text, out var read));
        Assert.Equal(fen, read);
    }

    [Theory]
    [InlineData("3.001")]
    [InlineData("abc")]
    [InlineData("1e3")]
    public void NotAnAmount_IsRefused(string text) => Assert.False(BureauAmounts.TryFen(text, out _));

    [SkippableFact]
    public async Task PolicyForm_SetsThePolicyInYuan_ThenShowsItInForce_AndARefusalShowsNextToItsField()
    {
        Skip.IfNot(Browser.Available, "Debian chromium is not installed (./test.sh installs it)");
        await using var context = await browser.ContextAsync(fixture.Host);
        var page = await Ui.SignInAsync(context, "bureau-110105", "/bureau/funding-policy");

        // The next semester has no policy yet: said plainly.
        var next = page.Locator("#p-semester option").Nth(1);
        await page.Locator("#p-semester").SelectOptionAsync(await next.GetAttributeAsync("value") ?? "");
        await Assertions.Expect(page.Locator("[data-testid=no-policy]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#in-force-title")).ToHaveTextAsync("无经费政策");
        await page.Locator("#p-semester").SelectOptionAsync(CurrentSemester);
        await Assertions.Expect(page.Locator("[data-testid=policy-form]")).ToBeVisibleAsync();

        await Fill(page, "#f-subsidy", "3.00");
        await page.Locator("#f-subsidy-unit").SelectOptionAsync("PerLesson");
        await Fill(page, "#f-family-cap", "3.50");
        await Fill(page, "#f-family-cap-junior", "");
        await Fill(page, "#f-provider-cap", "");
        var insurance = page.Locator("#f-fee-Insurance");
        if (!await insurance.IsCheckedAsync()) await insurance.CheckAsync();
        await Fill(page, "#f-fee-Insurance-max", "1.00");
        var materials = page.Locator("#f-fee-Materials");
        if (!await materials.IsCheckedAsync()) await materials.CheckAsync();
        await Fill(page, "#f-fee-Materials-max", "2.50");
        await Fill(page, "#f-dispute-days", "0");
        await Ui.ScreenshotAsync(page, "bureau-policy-form");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存政策" }).ClickAsync();

        // Refused by the use case (1–60 days): the message sits under its field, and nothing was saved.
        await Assertions.Expect(page.Locator("#e-disputeDays")).ToContainTextAsync("60");
        await Assertions.Expect(page.Locator("#f-dispute-days")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("[data-testid=saved]")).ToHaveCountAsync(0);
        // Not an amount: said under the field before anything is sent.
        await Fill(page, "#f-subsidy", "3.001");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存政策" }).ClickAsync();
        await Assertions.Expect(page.Locator("#e-subsidyFen")).ToContainTextAsync("3.00");

        await Fill(page, "#f-subsidy", "3.00");
        await Fill(page, "#f-dispute-days", "7");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存政策" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=saved]")).ToContainTextAsync("已保存第");
        var inForce = page.Locator("[data-testid=in-force]");
        await Assertions.Expect(inForce.Locator("[data-testid=subsidy]")).ToHaveTextAsync("¥3.00 每生每课时");
        await Assertions.Expect(inForce.Locator("[data-testid=family-cap]")).ToHaveTextAsync("¥3.50 每生每课时");
        await Assertions.Expect(inForce.Locator("[data-testid=collected]")).ToContainTextAsync("保险费 ≤ ¥1.00");
        await Assertions.Expect(inForce.Locator("[data-testid=collected]")).ToContainTextAsync("材料费 ≤ ¥2.50");
        await Assertions.Expect(page.Locator("[data-testid=history] tbody tr").First).ToContainTextAsync("bureau-110105");

        // As stored: the use case reads 300 fen, not 299.99….
        var api = await BureauApi.ClientForAsync(fixture.Host, "bureau-110105");
        var stored = await api.GetFromJsonAsync<JsonObject>($"/api/districts/110105/funding-policy?semester={CurrentSemester}");
        Assert.Equal(300, stored!["inForce"]!["terms"]!["subsidyFen"]!.GetValue<long>());
        Assert.Equal(350, stored["inForce"]!["terms"]!["familyCapFen"]!.GetValue<long>());

        await Ui.ScreenshotAsync(page, "bureau-policy");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.ScreenshotAsync(page, "bureau-policy");
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    [SkippableFact]
    public async Task CityBureau_ReadsThePolicy_WithoutAForm()
    {
        Skip.IfNot(Browser.Available, "Debian chromium is not installed (./test.sh installs it)");
        await using var context = await browser.ContextAsync(fixture.Host);
        var page = await Ui.SignInAsync(context, "city-1101", "/bureau/funding-policy");
        await Assertions.Expect(page.Locator("[data-testid=read-only]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=policy-form]")).ToHaveCountAsync(0);
        await page.Locator("#p-district").SelectOptionAsync("110105");
        await Assertions.Expect(page.Locator("[data-testid=in-force]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=policy-form]")).ToHaveCountAsync(0);
        await Ui.ScreenshotAsync(page, "bureau-policy-city");
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    [SkippableFact]
    public async Task DisputedDelivery_IsDecidedOnThePage_AndTheStatementShowsWhatWasDelivered()
    {
        Skip.IfNot(Browser.Available, "Debian chromium is not installed (./test.sh installs it)");
        var bookingId = await DisputedDeliveryAsync();

        await using var context = await browser.ContextAsync(fixture.Host);
        var page = await Ui.SignInAsync(context, "bureau-110105", "/bureau/settlement");
        var dispute = page.Locator($"[data-testid=dispute-{bookingId}]");
        await Assertions.Expect(dispute).ToBeVisibleAsync();
        await Assertions.Expect(dispute.Locator("[data-testid=recorded]")).ToContainTextAsync("30 人");
        await Assertions.Expect(dispute.Locator("[data-testid=claimed]")).ToContainTextAsync("25 人");
        await Assertions.Expect(dispute).ToContainTextAsync("签到表只有 25 人");
        await Ui.ScreenshotAsync(page, "bureau-settlement-disputes");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.ScreenshotAsync(page, "bureau-settlement-disputes");
        await page.SetViewportSizeAsync(Browser.Desktop.Width, Browser.Desktop.Height);

        await Fill(page, $"#r-{bookingId:N}-attended", "25");
        await Fill(page, $"#r-{bookingId:N}-note", "核对签到表：实到 25 人");
        await dispute.GetByRole(AriaRole.Button, new() { Name = "裁定并结算" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=resolved]")).ToContainTextAsync("25");
        await Assertions.Expect(dispute).ToHaveCountAsync(0);

        // Settled on the decided figure: 25 pupils × ¥12.00 owed to the provider this month.
        await page.GetByRole(AriaRole.Tab, new() { Name = "月度对账单" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=delivered] dd")).ToHaveTextAsync("¥300.00");
        await Assertions.Expect(page.Locator("[data-testid=statement-lines]")).ToContainTextAsync("应付机构");
        await Ui.ScreenshotAsync(page, "bureau-settlement-statement");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.ScreenshotAsync(page, "bureau-settlement-statement");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.SetViewportSizeAsync(Browser.Desktop.Width, Browser.Desktop.Height);
        await page.GetByRole(AriaRole.Tab, new() { Name = "支付对账" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=all-match]")).ToBeVisibleAsync(); // nothing paid yet: nothing to disagree
        await Assertions.Expect(page.Locator("[data-testid=matched] dd")).ToHaveTextAsync("0");
        await Ui.ScreenshotAsync(page, "bureau-settlement-reconciliation");
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    private static async Task Fill(IPage page, string selector, string value)
    {
        var input = page.Locator(selector);
        await input.FillAsync(value);
        await input.PressAsync("Tab");
    }

    /// <summary>
    /// Through the API as each party would: 朝阳's policy, provider1's 80-minute ¥12.00 on-campus offering approved for 朝阳 with a
    /// session starting in a few seconds (no booking lead time), school3 books 30, the provider confirms, the session starts and
    /// is recorded as delivered to 30, and the school disputes it (25 by its roll). The real clock: the test waits for the start.
    /// </summary>
    private async Task<Guid> DisputedDeliveryAsync()
    {
        var host = fixture.Host;
        var bureau = await BureauApi.ClientForAsync(host, "bureau-110105");
        (await bureau.PutAsJsonAsync("/api/districts/110105/funding-policy", new
        {
            semester = CurrentSemester, subsidyFen = 300, subsidyUnit = "PerLesson", familyCapFen = 350, familyCapUnit = "PerLesson",
            collectedFees = new[] { new { kind = "Insurance", maxFen = 100 } }, disputeDays = 7,
        })).EnsureSuccessStatusCode();

        var provider = await BureauApi.ClientForAsync(host, "provider1");
        var created = await provider.PostAsJsonAsync("/api/offerings", new
        {
            title = "少儿天文科普（结算）", summary = "认识星空与望远镜", category = "Science", mode = "OnCampus", grades = new[] { 3, 4 }, minGroup = 1,
            maxGroup = 40, durationMinutes = 80, priceFen = 1200, districts = new[] { "110105" }, minLeadHours = 0,
            collectedFees = new[] { new { kind = "Insurance", amountFen = 100 } },
        });
        created.EnsureSuccessStatusCode();
        var offeringId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        (await provider.PostAsync($"/api/offerings/{offeringId}/submit", null)).EnsureSuccessStatusCode();
        (await bureau.PostAsync($"/api/offerings/{offeringId}/approve", null)).EnsureSuccessStatusCode();

        var start = DateTimeOffset.UtcNow.AddSeconds(12);
        var sessions = await provider.PostAsJsonAsync($"/api/offerings/{offeringId}/sessions", new { startsAt = start, endsAt = start.AddMinutes(80), capacity = 40 });
        sessions.EnsureSuccessStatusCode();
        var sessionId = (await sessions.Content.ReadFromJsonAsync<JsonArray>())![0]!["id"]!.GetValue<Guid>();

        var school = await BureauApi.ClientForAsync(host, "school3");
        var book = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
        {
            Content = JsonContent.Create(new { sessionId, pupils = 30, grades = new[] { 3 }, contactName = "李老师", contactPhone = "13900001111", hardshipPupils = 2 }),
            Headers = { { "Idempotency-Key", $"e2e-dispute-{Guid.NewGuid():N}" } },
        };
        var booked = await school.SendAsync(book);
        Assert.True(booked.IsSuccessStatusCode, await booked.Content.ReadAsStringAsync());
        var bookingId = (await booked.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        (await provider.PostAsync($"/api/bookings/{bookingId}/confirm", null)).EnsureSuccessStatusCode();

        // The API refuses to record a delivery before the session starts: wait for it.
        var wait = start - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        var completed = await provider.PostAsJsonAsync($"/api/bookings/{bookingId}/complete", new { attended = 30 });
        Assert.True(completed.IsSuccessStatusCode, await completed.Content.ReadAsStringAsync());
        var disputed = await school.PostAsJsonAsync($"/api/bookings/{bookingId}/delivery/dispute", new { reason = "签到表只有 25 人", claimedAttended = 25 });
        Assert.True(disputed.IsSuccessStatusCode, await disputed.Content.ReadAsStringAsync());
        return bookingId;
    }
}
