using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.E2E.Tests.Infrastructure;
using Marketplace.E2E.Tests.School;
using Microsoft.Playwright;

namespace Marketplace.E2E.Tests.Money;

/// <summary>
/// Issue 15's screens beyond the happy path of MoneyFlowTests: the quote of a term booking (every chosen session, the semester's
/// subsidy running across them) and the school's dispute of a recorded delivery, decided by the bureau, with the bureau's
/// statement naming the parties.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class SettlementScreensTests(Browser browser, HostFixture fixture) : IClassFixture<HostFixture>
{
    private const string NoBrowser = "Debian chromium is not installed (./test.sh installs it)";
    private static readonly string Semester = Marketplace.Core.Schools.Semester.Of(DateTimeOffset.UtcNow).Name;

    private DemoApi Api => new(fixture.Host);

    private async Task PolicyAsync(string subsidyUnit, long subsidyFen, string capUnit, long capFen)
    {
        var bureau = await Api.ClientForAsync("bureau-110105");
        await Ok(await bureau.PutAsJsonAsync("/api/districts/110105/funding-policy", new
        {
            semester = Semester, subsidyFen, subsidyUnit, familyCapFen = capFen, familyCapUnit = capUnit,
            collectedFees = new[] { new { kind = "Insurance", maxFen = 100 } }, disputeDays = 7,
        }));
    }

    /// <summary>provider1's 80-minute ¥12.00 offering for 朝阳 (no lead time), approved, with a session at each of <paramref name="starts"/>.</summary>
    private async Task<(Guid OfferingId, Guid[] Sessions)> OfferingAsync(string title, params DateTimeOffset[] starts)
    {
        var provider = await Api.ClientForAsync("provider1");
        var offering = await Ok(await provider.PostAsJsonAsync("/api/offerings", new
        {
            title, summary = "认识星空与望远镜", description = "每次 80 分钟：星图、望远镜操作与观测记录。", category = "Science", mode = "OnCampus",
            grades = new[] { 3, 4 }, minGroup = 1, maxGroup = 40, durationMinutes = 80, priceFen = 1200, minLeadHours = 0, districts = new[] { "110105" },
            collectedFees = new[] { new { kind = "Insurance", amountFen = 100 } },
        }));
        var id = offering["id"]!.GetValue<Guid>();
        await Ok(await provider.PostAsync($"/api/offerings/{id}/submit", null));
        await Ok(await (await Api.ClientForAsync("bureau-110105")).PostAsync($"/api/offerings/{id}/approve", null));
        var sessions = new List<Guid>();
        foreach (var start in starts)
            sessions.Add((await Ok(await provider.PostAsJsonAsync($"/api/offerings/{id}/sessions", new { startsAt = start, endsAt = start.AddMinutes(80), capacity = 40 })))
                .AsArray()[0]!["id"]!.GetValue<Guid>());
        return (id, [.. sessions]);
    }

    private static Task<JsonNode> Ok(HttpResponseMessage response) => DemoApi.Json(response);

    private static Task ShootAsync(IPage page, string name) => Ui.ShootBothWidthsAsync(page, name, axeBoth: true);

    [SkippableFact]
    public async Task TermBooking_QuotesEveryChosenSession_AsTheApiAndTheBookedSeriesDo()
    {
        Skip.IfNot(Browser.Available, NoBrowser);
        // ¥20.00 subsidy per pupil for the semester: ¥12.00 of it on the first session, ¥8.00 on the second, none on the third.
        await PolicyAsync("PerSemester", 2000, "PerSemester", 5000);
        var first = DateTimeOffset.UtcNow.AddDays(3);
        first = new DateTimeOffset(first.Year, first.Month, first.Day, 7, 40, 0, TimeSpan.Zero);
        var (offeringId, sessions) = await OfferingAsync("少儿天文科普（整学期）", first, first.AddDays(1), first.AddDays(2));
        var schoolApi = await Api.ClientForAsync("school3");
        async Task<JsonNode> ApiQuoteAsync(Guid[] chosen) => await Ok(await schoolApi.PostAsJsonAsync("/api/booking-series/quote",
            new { offeringId, sessionIds = chosen, pupils = 30, grades = new[] { 3 }, hardshipPupils = 2 }));

        await using var context = await browser.ContextAsync(fixture.Host);
        var page = await Ui.SignInAsync(context, "school3", $"/school/offerings/{offeringId}");
        await page.Locator("[data-testid=kind-series]").CheckAsync();
        foreach (var id in sessions[..2]) await page.Locator($"[data-testid=session][data-id='{id}'] input[type=checkbox]").CheckAsync();
        await page.FillAsync("#pupils", "30");
        await page.GetByLabel("3年级", new() { Exact = true }).CheckAsync();
        await page.FillAsync("#hardship", "2");
        var quote = page.Locator("[data-testid=quote]");
        var two = (await ApiQuoteAsync(sessions[..2]))["term"]!;
        await Assertions.Expect(quote.Locator("[data-testid=quote-sessions]")).ToHaveTextAsync("2");
        await Assertions.Expect(quote.Locator("[data-testid=quote-family-per-pupil]")).ToHaveAttributeAsync("data-fen", two["familySharePerPupilFen"]!.ToString());
        await Assertions.Expect(quote.Locator("[data-testid=quote-total]")).ToHaveAttributeAsync("data-fen", two["totalFen"]!.ToString());

        // The third session: the semester's subsidy is used up, so the family's share for the term grows by the whole price.
        await page.Locator($"[data-testid=session][data-id='{sessions[2]}'] input[type=checkbox]").CheckAsync();
        var term = (await ApiQuoteAsync(sessions))["term"]!;
        Assert.Equal(1600, term["familySharePerPupilFen"]!.GetValue<long>());
        await Assertions.Expect(quote.Locator("[data-testid=quote-sessions]")).ToHaveTextAsync("3");
        await Assertions.Expect(quote.Locator("[data-testid=quote-family-per-pupil]")).ToHaveAttributeAsync("data-fen", "1600");
        await Assertions.Expect(quote.Locator("[data-testid=quote-family-per-pupil]")).ToContainTextAsync("每生整学期 ¥16.00");
        await Assertions.Expect(quote.Locator("[data-testid=quote-total]")).ToHaveAttributeAsync("data-fen", term["totalFen"]!.ToString());
        await Assertions.Expect(quote.Locator("[data-testid=quote-total]")).ToHaveTextAsync("¥1,170.00");
        await Assertions.Expect(quote.Locator("[data-testid=quote-subsidy]")).ToHaveAttributeAsync("data-fen", term["subsidyFen"]!.ToString());
        await Assertions.Expect(quote.Locator("[data-testid=quote-family]")).ToHaveAttributeAsync("data-fen", term["familyFeeFen"]!.ToString());
        await Assertions.Expect(quote.Locator("[data-testid=quote-waived]")).ToHaveAttributeAsync("data-fen", term["waivedFen"]!.ToString());
        await Assertions.Expect(quote.Locator("[data-testid=quote-collected]")).ToHaveAttributeAsync("data-fen", term["collectedFeesFen"]!.ToString());
        await Assertions.Expect(quote.Locator("[data-testid=quote-lessons]")).ToHaveTextAsync("6");
        await quote.Locator("[data-testid=quote-breakdown] summary").ClickAsync();
        await Assertions.Expect(quote.Locator("[data-testid=quote-session]")).ToHaveCountAsync(3);

        await page.FillAsync("#contact-name", "李老师");
        await page.FillAsync("#contact-phone", "13900001111");
        await page.FillAsync("#class-name", "三（2）班");
        await page.Locator("#class-name").PressAsync("End");
        await ShootAsync(page, "money-term-quote");
        await page.ClickAsync("[data-testid=book-submit]");
        await Assertions.Expect(page.Locator("[data-testid=booked]")).ToBeVisibleAsync();

        // The series carries the quotes shown: its total, and each booking's stored quote, are the dry run's.
        var series = (await Ok(await schoolApi.GetAsync("/api/booking-series"))).AsArray().Single(s => s!["offeringId"]!.GetValue<Guid>() == offeringId)!;
        Assert.Equal(term["totalFen"]!.GetValue<long>(), series["totals"]!["totalFen"]!.GetValue<long>());
        var dry = (await ApiQuoteAsync(sessions))["sessions"]!.AsArray();
        var bookings = (await Ok(await schoolApi.GetAsync($"/api/bookings?offeringId={offeringId}"))).AsArray();
        Assert.Equal(3, bookings.Count);
        foreach (var b in bookings)
        {
            var expected = dry.Single(d => d!["sessionId"]!.GetValue<Guid>() == b!["sessionId"]!.GetValue<Guid>())!["quote"]!;
            Assert.Equal(expected.ToJsonString(), b!["quote"]!.ToJsonString());
        }
        Assert.Empty(browser.ExternalRequests);
    }

    [SkippableFact]
    public async Task School_DisputesARecordedDelivery_TheBureauDecides_AndTheSchoolSeesItLive()
    {
        Skip.IfNot(Browser.Available, NoBrowser);
        await PolicyAsync("PerLesson", 300, "PerLesson", 350);
        var start = DateTimeOffset.UtcNow.AddSeconds(15);
        start = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, start.Second, TimeSpan.Zero);
        var (_, sessions) = await OfferingAsync("少儿天文科普（异议）", start);
        var bookingId = await Api.BookAsync("school3", sessions[0], 30);
        await Ok(await (await Api.ClientForAsync("provider1")).PostAsync($"/api/bookings/{bookingId}/confirm", null));

        await using var providerContext = await browser.ContextAsync(fixture.Host);
        await using var schoolContext = await browser.ContextAsync(fixture.Host);
        await using var bureauContext = await browser.ContextAsync(fixture.Host);
        var wait = start - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);

        // The provider records the delivery: 30 attended.
        var provider = await Ui.SignInAsync(providerContext, "provider1", "/provider/requests");
        var delivery = provider.Locator($"[data-testid=delivery][data-id='{bookingId}']");
        await delivery.Locator("input[type=number]").FillAsync("30");
        await delivery.Locator("input[type=number]").PressAsync("Tab");
        await delivery.GetByRole(AriaRole.Button, new() { Name = "标记已完成" }).ClickAsync();
        await Assertions.Expect(delivery.Locator("[data-testid=status]")).ToHaveTextAsync("已完成");

        // The school disputes: without a reason it is refused under the field, in Chinese; with one, the booking shows 有异议.
        var school = await Ui.SignInAsync(schoolContext, "school3", "/school/bookings");
        var row = school.Locator("tr", new() { Has = school.Locator($"[data-testid=booking-row][data-id='{bookingId}']") });
        await Assertions.Expect(row.Locator("[data-testid=delivery]")).ToHaveAttributeAsync("data-status", "Recorded");
        await row.Locator("[data-testid=delivery-dispute]").ClickAsync();
        var modal = school.Locator(".ant-modal-content");
        await modal.Locator("#dispute-reason").WaitForAsync();
        await modal.Locator(".ant-modal-footer .ant-btn-primary").ClickAsync();
        await Assertions.Expect(modal.Locator("[data-testid=error-reason]")).ToHaveTextAsync("必填");
        await Assertions.Expect(modal.Locator("#dispute-reason")).ToHaveAttributeAsync("aria-invalid", "true");
        await ShootAsync(school, "money-school-dispute");
        await modal.Locator("#dispute-reason").FillAsync("签到表只有 26 人");
        await modal.Locator("#claimed-attended").FillAsync("26");
        await modal.Locator("#claimed-attended").PressAsync("Tab");
        await modal.Locator(".ant-modal-footer .ant-btn-primary").ClickAsync();
        await Assertions.Expect(row.Locator("[data-testid=delivery]")).ToHaveAttributeAsync("data-status", "Disputed");
        await Assertions.Expect(row.Locator("[data-testid=delivery]")).ToContainTextAsync("有异议");
        await Assertions.Expect(row.Locator("[data-testid=delivery]")).ToContainTextAsync("签到表只有 26 人");

        // The bureau sees the dispute and decides it.
        var bureau = await Ui.SignInAsync(bureauContext, "bureau-110105", "/bureau/settlement");
        var dispute = bureau.Locator($"[data-testid=dispute-{bookingId}]");
        await Assertions.Expect(dispute.Locator("[data-testid=claimed]")).ToContainTextAsync("26 人");
        var attended = bureau.Locator($"#r-{bookingId:N}-attended");
        await attended.FillAsync("27");
        await attended.PressAsync("Tab");
        var note = bureau.Locator($"#r-{bookingId:N}-note");
        await note.FillAsync("核对签到表与照片：实到 27 人");
        await note.PressAsync("Tab");
        await dispute.GetByRole(AriaRole.Button, new() { Name = "裁定并结算" }).ClickAsync();
        await Assertions.Expect(bureau.Locator("[data-testid=resolved]")).ToContainTextAsync("27");

        // The school's open page follows without a reload: decided, with the bureau's note.
        await Assertions.Expect(row.Locator("[data-testid=delivery]")).ToHaveAttributeAsync("data-status", "Resolved");
        await Assertions.Expect(row.Locator("[data-testid=delivery]")).ToContainTextAsync("已裁定");
        await Assertions.Expect(row.Locator("[data-testid=delivery]")).ToContainTextAsync("核对签到表与照片：实到 27 人");
        await Assertions.Expect(row.Locator("[data-testid=delivery]")).ToContainTextAsync("出勤 27 / 30 人");
        await ShootAsync(school, "money-school-resolved");

        // The bureau's statement names the parties, not ledger ids: the provider owed by the school, 27 × ¥12.00.
        await bureau.GetByRole(AriaRole.Tab, new() { Name = "月度对账单" }).ClickAsync();
        var lines = bureau.Locator("[data-testid=statement-lines]");
        var view = await Ok(await (await Api.ClientForAsync("school3")).GetAsync($"/api/bookings/{bookingId}"));
        var payable = lines.Locator("tr", new() { HasText = "应付机构" }).First;
        await Assertions.Expect(payable).ToContainTextAsync(view["providerName"]!.GetValue<string>());
        await Assertions.Expect(payable).ToContainTextAsync(view["schoolName"]!.GetValue<string>());
        await Assertions.Expect(lines).Not.ToContainTextAsync("provider-payable:");
        await Assertions.Expect(lines).Not.ToContainTextAsync("…");
        await ShootAsync(bureau, "money-bureau-statement-names");
        Assert.Empty(browser.ExternalRequests);
    }
}
