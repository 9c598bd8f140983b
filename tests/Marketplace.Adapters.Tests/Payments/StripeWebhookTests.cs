using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Core.Settlement;
using Marketplace.Payments.Stripe;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Marketplace.Adapters.Tests.Payments;

/// <summary>Webhook calls signed here as Stripe documents it: v1 = hex HMAC-SHA256 of "{t}.{body}" keyed with the endpoint secret.</summary>
public sealed class StripeWebhookTests
{
    private const string Secret = "whsec_test_东城_webhook";

    // Far from the wall clock: a reader that used it instead of the injected clock would call every event here stale.
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));

    private StripeWebhookReader Reader(string secret = Secret) =>
        new(Options.Create(new StripeOptions { SecretKey = "sk_test_x", WebhookSecret = secret }), time);

    private static string Sign(string body, long t, string secret = Secret)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    private long Now => time.GetUtcNow().ToUnixTimeSeconds();

    private static string Event(string type, string status, Guid paymentId, string eventId = "evt_1Standin", long created = 1772438400) =>
        new JsonObject
        {
            ["id"] = eventId,
            ["object"] = "event",
            ["api_version"] = "2020-08-27", // older than Stripe.net's pinned version: read anyway
            ["created"] = created,
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = "pay-2026-03-东城-0001" },
            ["type"] = type,
            ["data"] = new JsonObject
            {
                ["object"] = new JsonObject
                {
                    ["id"] = "pi_3Standin",
                    ["object"] = "payment_intent",
                    ["amount"] = 1_234_500,
                    ["amount_received"] = status == "succeeded" ? 1_234_500 : 0,
                    ["client_secret"] = "pi_3Standin_secret_x",
                    ["created"] = created - 60,
                    ["currency"] = "cny",
                    ["livemode"] = false,
                    ["metadata"] = new JsonObject { ["payment_id"] = paymentId.ToString(), ["school_id"] = Guid.Empty.ToString() },
                    ["status"] = status,
                    ["transfer_data"] = new JsonObject { ["destination"] = "acct_1ProviderA" },
                },
            },
        }.ToJsonString();

    [Theory]
    [InlineData("payment_intent.succeeded", "succeeded", PaymentState.Succeeded)]
    [InlineData("payment_intent.payment_failed", "requires_payment_method", PaymentState.Pending)]
    [InlineData("payment_intent.processing", "processing", PaymentState.Pending)]
    [InlineData("payment_intent.canceled", "canceled", PaymentState.Failed)]
    public void Read_ValidSignature_GivesTheEventAndItsPayment(string type, string status, PaymentState state)
    {
        var paymentId = Guid.CreateVersion7();
        var body = Event(type, status, paymentId);

        var read = Reader().Read(body, Sign(body, Now));

        Assert.Equal("evt_1Standin", read.EventId);
        Assert.Equal(type, read.Type);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1772438400), read.CreatedAt);
        Assert.Equal(new GatewayPayment("pi_3Standin", 1_234_500, "cny", state, DateTimeOffset.FromUnixTimeSeconds(1772438340), paymentId), read.Payment);
    }

    [Fact]
    public void Read_TamperedBody_IsRejected()
    {
        var body = Event("payment_intent.succeeded", "succeeded", Guid.CreateVersion7());
        var header = Sign(body, Now);

        var tampered = body.Replace("1234500", "9234500", StringComparison.Ordinal);

        Assert.NotEqual(body, tampered);
        var e = Assert.Throws<WebhookRejectedException>(() => Reader().Read(tampered, header));
        Assert.Contains("signature", e.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Read_SignedWithAnotherSecret_IsRejected()
    {
        var body = Event("payment_intent.succeeded", "succeeded", Guid.CreateVersion7());

        Assert.Throws<WebhookRejectedException>(() => Reader().Read(body, Sign(body, Now, "whsec_someone_else")));
    }

    [Fact]
    public void Read_OlderThan300Seconds_IsRejected_AndJustInsideIsRead()
    {
        var body = Event("payment_intent.succeeded", "succeeded", Guid.CreateVersion7());
        var reader = Reader();

        var e = Assert.Throws<WebhookRejectedException>(() => reader.Read(body, Sign(body, Now - 301)));

        Assert.Contains("tolerance", e.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("evt_1Standin", reader.Read(body, Sign(body, Now - 299)).EventId);
        Assert.Throws<WebhookRejectedException>(() => reader.Read(body, Sign(body, Now + 301))); // from the future, same rule
    }

    [Fact]
    public void Read_AfterTheClockMoves_ASignatureThatWasFreshIsStale()
    {
        var body = Event("payment_intent.succeeded", "succeeded", Guid.CreateVersion7());
        var header = Sign(body, Now);
        var reader = Reader();
        Assert.NotNull(reader.Read(body, header).Payment);

        time.Advance(TimeSpan.FromSeconds(301));

        Assert.Throws<WebhookRejectedException>(() => reader.Read(body, header));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Read_WithoutASignatureHeader_IsRejected(string? header)
    {
        var e = Assert.Throws<WebhookRejectedException>(() => Reader().Read(Event("payment_intent.succeeded", "succeeded", Guid.Empty), header));

        Assert.Contains("Stripe-Signature", e.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("t=notanumber,v1=00")]
    [InlineData("v1=00")]
    public void Read_MalformedSignatureHeader_IsRejected(string header) =>
        Assert.Throws<WebhookRejectedException>(() => Reader().Read(Event("payment_intent.succeeded", "succeeded", Guid.Empty), header));

    [Fact]
    public void Read_SignedButNotAnEvent_IsRejected()
    {
        const string body = "not json at all";

        Assert.Throws<WebhookRejectedException>(() => Reader().Read(body, Sign(body, Now)));
    }

    [Fact]
    public void Read_AnEventTypeWeDoNotActOn_HasNoPayment()
    {
        var body = new JsonObject
        {
            ["id"] = "evt_2Standin",
            ["object"] = "event",
            ["api_version"] = "2025-03-31.basil",
            ["created"] = 1772438400,
            ["type"] = "account.updated",
            ["data"] = new JsonObject { ["object"] = new JsonObject { ["id"] = "acct_1ProviderA", ["object"] = "account", ["charges_enabled"] = true } },
        }.ToJsonString();

        var read = Reader().Read(body, Sign(body, Now));

        Assert.Equal(("evt_2Standin", "account.updated"), (read.EventId, read.Type));
        Assert.Null(read.Payment);
    }

    [Fact]
    public void Read_APaymentIntentWithoutOurMetadata_HasNoPaymentId()
    {
        var body = Event("payment_intent.succeeded", "succeeded", Guid.Empty).Replace(Guid.Empty.ToString(), "not-a-guid", StringComparison.Ordinal);

        var read = Reader().Read(body, Sign(body, Now));

        Assert.NotNull(read.Payment);
        Assert.Null(read.Payment.PaymentId);
    }
}
