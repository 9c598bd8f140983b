using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Adapters.Tests.Payments;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Settlement;

/// <summary>The settlement host with Marketplace:Payments = Stripe, its client pointed at a local Stripe stand-in (127.0.0.1).</summary>
public sealed class StripeSettlementFactory : SettlementClockFactory
{
    public const string WebhookSecret = "whsec_test_marketplace";

    public StripeSettlementFactory() : this(StartStandIn()) { }

    private StripeSettlementFactory(StripeStandIn standIn) : base(new Dictionary<string, string?>
    {
        ["Marketplace:Payments"] = "Stripe", ["Marketplace:Stripe:SecretKey"] = StripeStandIn.SecretKey,
        ["Marketplace:Stripe:WebhookSecret"] = WebhookSecret, ["Marketplace:Stripe:ApiBase"] = standIn.ApiBase,
        ["Marketplace:Stripe:MaxNetworkRetries"] = "0",
    }) => StandIn = standIn;

    public StripeStandIn StandIn { get; }

    private static StripeStandIn StartStandIn()
    {
        var standIn = new StripeStandIn();
        standIn.InitializeAsync().GetAwaiter().GetResult();
        return standIn;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await StandIn.DisposeAsync();
    }
}

/// <summary>
/// A school pays a provider's settled delivery through Stripe: the payment is recorded Pending, a PaymentIntent in CNY goes to
/// the provider's Connect account (one, however often the school retries), and only the signed webhook saying it succeeded
/// posts it to the ledger — once, however often Stripe delivers the event.
/// </summary>
public sealed class StripeFlowTests(StripeSettlementFactory factory) : IClassFixture<StripeSettlementFactory>
{
    [Fact]
    public async Task APaymentThroughStripe_PostsOnlyWhenTheWebhookSaysSo_AndOnlyOnce()
    {
        var (school, provider, bookingId) = await SettlementFlowTests.DeliveredAsync(factory, "stripe-flow-0001", attended: 27);
        await (await school.PostJsonAsync($"/api/bookings/{bookingId}/delivery/confirm", null)).AssertStatusAsync(200);

        // Without a Connect account the provider cannot be paid through Stripe.
        var noAccount = await (await school.SendAsync(Pay(bookingId, "stripe-pay-noacct"))).AssertStatusAsync(201);
        Assert.Equal("Failed", noAccount["state"]!.GetValue<string>());
        Assert.Equal("no-connect-account", noAccount["failureCode"]!.GetValue<string>());
        (await provider.PutAsJsonAsync("/api/providers/me/payment-account", new { account = "acct_1StandInProvider" })).EnsureSuccessStatusCode();

        var intentsBefore = factory.StandIn.Intents.Count;
        var started = await (await school.SendAsync(Pay(bookingId, "stripe-pay-00001"))).AssertStatusAsync(201);
        Assert.Equal("Pending", started["state"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(started["clientSecret"]?.GetValue<string>()));
        var paymentId = started["id"]!.GetValue<Guid>();
        // The same request again (a lost answer): the same payment, still one PaymentIntent at Stripe.
        var again = await school.SendAsync(Pay(bookingId, "stripe-pay-00001"));
        Assert.Equal(paymentId, (await again.AssertStatusAsync(201))["id"]!.GetValue<Guid>());
        Assert.Equal(intentsBefore + 1, factory.StandIn.Intents.Count);
        var intent = factory.StandIn.Intents[^1];
        Assert.Equal(27 * 1200, intent["amount"]!.GetValue<long>());
        Assert.Equal("cny", intent["currency"]!.GetValue<string>());
        Assert.DoesNotContain((await school.GetJsonAsync("/api/ledger?limit=500")).AsArray(), t => t!["businessKey"]!.GetValue<string>() == $"payment:{paymentId:N}");

        // A tampered event is refused; the real one posts the payment; its redelivery changes nothing.
        var body = Event("evt_stripe_flow_1", "payment_intent.succeeded", intent["id"]!.GetValue<string>(), 27 * 1200, paymentId);
        var tampered = await Webhook(body.Replace("32400", "99999", StringComparison.Ordinal), Sign(body));
        Assert.Equal(HttpStatusCode.BadRequest, tampered.StatusCode);
        var first = await (await Webhook(body, Sign(body))).AssertStatusAsync(200);
        Assert.True(first["processed"]!.GetValue<bool>());
        var replay = await (await Webhook(body, Sign(body))).AssertStatusAsync(200);
        Assert.False(replay["processed"]!.GetValue<bool>());
        var postings = (await school.GetJsonAsync("/api/ledger?limit=500")).AsArray().Where(t => t!["businessKey"]!.GetValue<string>() == $"payment:{paymentId:N}").ToList();
        Assert.Single(postings);
        var payments = (await school.GetJsonAsync("/api/payments")).AsArray();
        Assert.Equal("Succeeded", payments.Single(p => p!["id"]!.GetValue<Guid>() == paymentId)!["state"]!.GetValue<string>());

        // Reconciliation matches the ledger's posting to the gateway's payment once Stripe reports it succeeded.
        factory.StandIn.SetStatus(intent["id"]!.GetValue<string>(), "succeeded");
        var bureau = await factory.ClientForAsync("bureau-110105");
        var month = Core.Shared.ChinaTime.DateOf(DateTimeOffset.UtcNow).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var report = await bureau.GetJsonAsync($"/api/reconciliation?month={month}&district=110105");
        Assert.True(report["matched"]!.GetValue<int>() >= 1, report.ToJsonString());
        Assert.DoesNotContain(report["mismatches"]!.AsArray(), m => m!["paymentId"]?.GetValue<Guid>() == paymentId);
    }

    [Fact]
    public async Task AnUnsignedOrStaleWebhook_IsRefused_WithA400Problem()
    {
        var body = Event("evt_stale_1", "payment_intent.succeeded", "pi_unknown", 100, Guid.CreateVersion7());
        var unsigned = await Webhook(body, null);
        await unsigned.AssertProblemAsync(400);
        var stale = await Webhook(body, Sign(body, DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds()));
        await stale.AssertProblemAsync(400);
        // A well-signed event about a payment we never made is acknowledged and recorded, nothing posted.
        var unknown = await (await Webhook(body, Sign(body))).AssertStatusAsync(200);
        Assert.True(unknown["received"]!.GetValue<bool>());
    }

    private static HttpRequestMessage Pay(Guid bookingId, string key) => new(HttpMethod.Post, $"/api/bookings/{bookingId}/payments")
    {
        Content = JsonContent.Create(new { method = "stripe" }), Headers = { { "Idempotency-Key", key } },
    };

    private Task<HttpResponseMessage> Webhook(string body, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/stripe") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null) request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        return factory.CreateClient().SendAsync(request);
    }

    /// <summary>Stripe's signature scheme: v1 = HMAC-SHA256 of "{t}.{body}" with the endpoint's secret.</summary>
    private static string Sign(string body, long? t = null)
    {
        var at = t ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(StripeSettlementFactory.WebhookSecret), Encoding.UTF8.GetBytes($"{at}.{body}"));
        return $"t={at},v1={Convert.ToHexStringLower(mac)}";
    }

    private static string Event(string id, string type, string intentId, long amount, Guid paymentId) => new JsonObject
    {
        ["id"] = id, ["object"] = "event", ["api_version"] = "2020-08-27", ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["livemode"] = false,
        ["pending_webhooks"] = 1, ["type"] = type,
        ["data"] = new JsonObject
        {
            ["object"] = new JsonObject
            {
                ["id"] = intentId, ["object"] = "payment_intent", ["amount"] = amount, ["currency"] = "cny", ["status"] = "succeeded",
                ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["metadata"] = new JsonObject { ["payment_id"] = paymentId.ToString() },
            },
        },
    }.ToJsonString();
}
