using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Adapters.Tests.Payments;
using Marketplace.E2E.Tests.Infrastructure;
using Marketplace.E2E.Tests.School;
using Microsoft.Playwright;

namespace Marketplace.E2E.Tests.Guardian;

/// <summary>The demo host with Marketplace:Payments = Stripe, its Stripe client pointed at the loopback stand-in.</summary>
public sealed class StripeHostFixture : IDisposable
{
    public const string WebhookSecret = "whsec_e2e_families";

    public StripeHostFixture()
    {
        StandIn = new StripeStandIn();
        StandIn.InitializeAsync().GetAwaiter().GetResult();
        Host = new WebHost(new Dictionary<string, string?>
        {
            ["Marketplace:Payments"] = "Stripe", ["Marketplace:Stripe:SecretKey"] = StripeStandIn.SecretKey,
            ["Marketplace:Stripe:WebhookSecret"] = WebhookSecret, ["Marketplace:Stripe:ApiBase"] = StandIn.ApiBase,
            ["Marketplace:Stripe:MaxNetworkRetries"] = "0",
        });
    }

    public StripeStandIn StandIn { get; }

    public WebHost Host { get; }

    public void Dispose()
    {
        Host.Dispose();
        StandIn.DisposeAsync().GetAwaiter().GetResult();
    }
}

/// <summary>
/// Issue 18: a guardian pays its child's bill on a phone. guardian1's child is billed (school1 books, opens a first-come window,
/// approves); the bill page offers 扫码支付 ¥x; pressing it shows WeChat Pay's QR code (the data: URL Stripe answered — the browser
/// loads nothing from outside the host), the amount and 支付后本页自动更新; Stripe's signed payment_intent.succeeded reaches the
/// webhook and the page shows the payment and ¥0.00 left without a reload.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class GuardianOnlinePaymentTests(Browser browser, StripeHostFixture fixture) : IClassFixture<StripeHostFixture>
{
    private const string NoBrowser = "Debian chromium is not installed (./test.sh installs it)";

    private DemoApi Api => new(fixture.Host);

    private static Task<JsonNode> Ok(HttpResponseMessage response) => DemoApi.Json(response);

    [SkippableFact]
    public async Task Guardian_PaysTheBillByQrCode_AndThePageShowsThePaymentWithoutAReload()
    {
        Skip.IfNot(Browser.Available, NoBrowser);
        var start = DateTimeOffset.UtcNow.AddDays(3);
        start = new DateTimeOffset(start.Year, start.Month, start.Day, 8, 0, 0, TimeSpan.Zero);
        var bookingId = await Api.ConfirmedBookingAsync("机器人编程（在线缴费）", start);
        var school = await Api.ClientForAsync("school1");
        var window = await Ok(await school.PostAsJsonAsync("/api/selection-windows", new
        {
            title = "在线缴费测试", opensAt = DateTimeOffset.UtcNow.AddMinutes(-1), closesAt = DateTimeOffset.UtcNow.AddDays(2), mode = "FirstCome", capPerPupil = 1,
            termsVersion = "terms-pay", safetyPledgeRequired = false, programmes = new[] { new { bookingId } },
        }));
        var windowId = window["id"]!.GetValue<Guid>();
        var guardian = await Api.ClientForAsync("guardian1");
        var child = (await Ok(await guardian.GetAsync("/api/guardian/children"))).AsArray().First(c => c!["grade"]!.GetValue<int>() <= 6)!;
        var pupilId = child["id"]!.GetValue<Guid>();
        var applied = await Ok(await guardian.PostAsJsonAsync($"/api/selection-windows/{windowId}/applications",
            new { pupilId, choices = new[] { bookingId }, acceptedTerms = "terms-pay", safetyPledge = false }));
        var applicationId = applied["id"]!.GetValue<Guid>();
        await Ok(await school.PostAsJsonAsync($"/api/selection-windows/{windowId}/applications/{applicationId}/class-review", new { approve = true }));
        await Ok(await school.PostAsJsonAsync($"/api/selection-windows/{windowId}/applications/{applicationId}/school-review", new { approve = true }));

        await using var context = await browser.ContextAsync(fixture.Host, Browser.Phone);
        var path = $"/guardian/children/{pupilId}/bills";
        var page = await Ui.SignInAsync(context, "guardian1", path);
        if (!page.Url.Contains(path, StringComparison.Ordinal)) await Ui.GoAsync(page, path);
        var pay = page.Locator("[data-testid=pay]");
        for (var i = 0; i < 20 && await pay.CountAsync() == 0; i++)
        {
            await page.WaitForTimeoutAsync(500); // the outbox bills within moments of the approval
            await Ui.GoAsync(page, path);
        }
        var owed = await page.Locator("[data-testid=balance]").First.TextContentAsync();
        Assert.StartsWith("¥", owed);
        await Assertions.Expect(pay).ToContainTextAsync("扫码支付 " + owed);
        await Ui.ScreenshotAsync(page, "guardian-pay");

        await pay.ClickAsync();
        var qr = page.Locator("[data-testid=pay-qr]");
        await Assertions.Expect(qr).ToBeVisibleAsync();
        Assert.StartsWith("data:image/png;base64,", await qr.GetAttributeAsync("src"), StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("[data-testid=pay-scan]")).ToContainTextAsync(owed!);
        await Assertions.Expect(page.Locator("[data-testid=pay-auto]")).ToHaveTextAsync("支付后本页自动更新");
        await Assertions.Expect(pay).ToHaveCountAsync(0); // one open attempt: no second button
        await Ui.ScreenshotAsync(page, "guardian-pay-qr");
        await Axe.AssertNoSeriousViolationsAsync(page);

        // The guardian scans and pays; Stripe tells the webhook. The page was not reloaded.
        var intent = fixture.StandIn.Intents.Single(i => (string?)i["metadata"]?["payment_id"] is not null && (string?)i["metadata"]?["kind"] == "family_fee");
        fixture.StandIn.SetStatus((string)intent["id"]!, "succeeded");
        var succeeded = (JsonObject)fixture.StandIn.Intents.Single(i => (string)i["id"]! == (string)intent["id"]!).DeepClone();
        var body = new JsonObject
        {
            ["id"] = "evt_e2e_family_paid", ["object"] = "event", ["api_version"] = "2020-08-27", ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["type"] = "payment_intent.succeeded", ["data"] = new JsonObject { ["object"] = succeeded },
        }.ToJsonString();
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(StripeHostFixture.WebhookSecret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        using var webhook = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/stripe") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        webhook.Headers.TryAddWithoutValidation("Stripe-Signature", $"t={t},v1={Convert.ToHexStringLower(mac)}");
        await Ok(await fixture.Host.CreateClient().SendAsync(webhook));

        await Assertions.Expect(page.Locator("[data-testid=paid]").First).ToHaveTextAsync(owed!, new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("[data-testid=balance]").First).ToHaveTextAsync("¥0.00");
        await Assertions.Expect(page.Locator("[data-testid=payment]")).ToContainTextAsync("在线支付");
        await Assertions.Expect(qr).ToHaveCountAsync(0);
        await Ui.ScreenshotAsync(page, "guardian-pay-paid");

        await using var desktop = await browser.ContextAsync(fixture.Host, Browser.Desktop);
        var english = await Ui.SignInAsync(desktop, "guardian1", path);
        if (!english.Url.Contains(path, StringComparison.Ordinal)) await Ui.GoAsync(english, path);
        await Ui.SwitchLanguageAsync(english);
        await Assertions.Expect(english.Locator("[data-testid=payment]")).ToContainTextAsync("Online");
        await Ui.ScreenshotAsync(english, "guardian-pay-paid");
        Assert.Empty(browser.ExternalRequests);
    }
}
