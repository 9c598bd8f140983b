using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Core.Settlement;
using Marketplace.Payments.Stripe;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Marketplace.Adapters.Tests.Payments;

/// <summary>
/// Issue 18: a family's WeChat Pay payment and refunds back on the PaymentIntent (原路返回), through Stripe.net's real HTTP client
/// against <see cref="StripeStandIn"/> on loopback: what is sent (path, form fields, Idempotency-Key, metadata) and how each
/// answer reads (succeeded, pending, refused, 5xx, timeout, replay).
/// </summary>
public sealed class StripeRefundTests : IClassFixture<StripeStandIn>
{
    private readonly StripeStandIn stripe;

    public StripeRefundTests(StripeStandIn stripe)
    {
        this.stripe = stripe;
        stripe.Reset();
    }

    private static PaymentOrder FamilyOrder(Guid? billId = null, long fen = 700) =>
        new(Guid.CreateVersion7(), $"family-payment-{Guid.CreateVersion7():N}", fen, Guid.CreateVersion7(), Guid.Empty, "课后服务费（家庭）")
        {
            Kind = PaymentKind.FamilyFee, BillId = billId ?? Guid.CreateVersion7(),
        };

    private static RefundOrder Refund(string pi, long fen = 700, string? key = null) =>
        new(Guid.CreateVersion7(), key ?? $"refund-{Guid.CreateVersion7():N}", fen, Guid.CreateVersion7(), pi, "课后服务费退费", Guid.CreateVersion7());

    /// <summary>A family's WeChat Pay payment the guardian has paid.</summary>
    private async Task<string> PaidFamilyPaymentAsync(StripePaymentGateway gateway, long fen = 700)
    {
        var started = await gateway.StartAsync(FamilyOrder(fen: fen));
        stripe.SetStatus(started.GatewayReference!, "succeeded");
        return started.GatewayReference!;
    }

    [Fact]
    public async Task FamilyPayment_IsAWeChatPayIntentConfirmedHere_WithoutADestination_AndAnswersItsQrCodeAsADataUrl()
    {
        var order = FamilyOrder();

        var attempt = await StripeGatewayTests.Gateway(stripe.ApiBase).StartAsync(order);

        var request = Assert.Single(stripe.Requests);
        Assert.Equal(("POST", "/v1/payment_intents"), (request.Method, request.Path));
        Assert.Equal(("700", "cny", "true"), (request.Form["amount"], request.Form["currency"], request.Form["confirm"]));
        Assert.Equal("wechat_pay", request.Form["payment_method_data[type]"]);
        Assert.Equal("web", request.Form["payment_method_options[wechat_pay][client]"]);
        Assert.Contains("wechat_pay", request.Form.AllKeys.Where(k => k!.Contains("payment_method_types", StringComparison.Ordinal)).Select(k => request.Form[k]));
        Assert.Null(request.Form["transfer_data[destination]"]); // the school's money, on the platform account: no provider
        Assert.Equal((order.PaymentId.ToString(), order.SchoolId.ToString(), order.BillId.ToString(), "family_fee"),
            (request.Form["metadata[payment_id]"], request.Form["metadata[school_id]"], request.Form["metadata[bill_id]"], request.Form["metadata[kind]"]));
        Assert.Equal(order.IdempotencyKey, request.Headers["Idempotency-Key"]);
        Assert.Equal(PaymentState.Pending, attempt.State); // requires_action: the guardian scans
        Assert.Equal((string)Assert.Single(stripe.Intents)["id"]!, attempt.GatewayReference);
        Assert.Equal(StripeStandIn.QrDataUrl, attempt.QrImageDataUrl);
        Assert.StartsWith("data:image/png;base64,", attempt.QrImageDataUrl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refund_OfAFamilyPayment_IsARefundOnItsPaymentIntentInFen_WithTheKeyAndOurMetadata_AndNoTransferReversal()
    {
        var gateway = StripeGatewayTests.Gateway(stripe.ApiBase);
        var pi = await PaidFamilyPaymentAsync(gateway);
        var order = Refund(pi, fen: 350);
        var before = stripe.Requests.Count;

        var attempt = await gateway.RefundAsync(order);

        var post = Assert.Single(stripe.Requests.Skip(before), r => r.Method == "POST");
        Assert.Equal("/v1/refunds", post.Path);
        Assert.StartsWith("application/x-www-form-urlencoded", post.ContentType, StringComparison.Ordinal);
        Assert.Equal((pi, "350", "requested_by_customer"), (post.Form["payment_intent"], post.Form["amount"], post.Form["reason"]));
        Assert.Equal((order.RefundId.ToString(), order.SchoolId.ToString(), order.BillId.ToString()),
            (post.Form["metadata[refund_id]"], post.Form["metadata[school_id]"], post.Form["metadata[bill_id]"]));
        Assert.Null(post.Form["reverse_transfer"]);
        Assert.Equal(order.IdempotencyKey, post.Headers["Idempotency-Key"]);
        Assert.Equal("Bearer " + StripeStandIn.SecretKey, post.Headers["Authorization"]);
        var refund = Assert.Single(stripe.Refunds);
        Assert.Equal(new PaymentAttempt((string)refund["id"]!, PaymentState.Succeeded), attempt);
    }

    [Fact]
    public async Task Refund_OfADestinationCharge_ReversesTheTransferToTheProvider()
    {
        var pi = stripe.Seed(1_234_500, DateTimeOffset.UtcNow); // a school's payment of a provider: transfer_data.destination set

        var attempt = await StripeGatewayTests.Gateway(stripe.ApiBase).RefundAsync(Refund(pi, fen: 1_000));

        Assert.Equal(PaymentState.Succeeded, attempt.State);
        Assert.Equal("true", stripe.Requests.Single(r => r.Path == "/v1/refunds").Form["reverse_transfer"]);
    }

    [Fact]
    public async Task Refund_PendingAtStripe_IsPending_WithItsReference()
    {
        var gateway = StripeGatewayTests.Gateway(stripe.ApiBase);
        var pi = await PaidFamilyPaymentAsync(gateway);
        stripe.RefundStatus = "pending";

        var attempt = await gateway.RefundAsync(Refund(pi));

        Assert.Equal(PaymentState.Pending, attempt.State);
        Assert.Equal((string)Assert.Single(stripe.Refunds)["id"]!, attempt.GatewayReference);
    }

    [Fact]
    public async Task Refund_AboveWhatWasPaid_IsFailedWithStripesCode_AndNothingIsRefunded()
    {
        var gateway = StripeGatewayTests.Gateway(stripe.ApiBase);
        var pi = await PaidFamilyPaymentAsync(gateway, fen: 700);

        var attempt = await gateway.RefundAsync(Refund(pi, fen: 701));

        Assert.Equal(new PaymentAttempt(null, PaymentState.Failed, FailureCode: "amount_too_large"), attempt);
        Assert.Empty(stripe.Refunds);
    }

    [Fact]
    public async Task Refund_OfAReferenceThatIsNoPaymentIntent_FailsWithoutCallingStripe()
    {
        var attempt = await StripeGatewayTests.Gateway(stripe.ApiBase).RefundAsync(Refund("TY-2026-0001"));

        Assert.Equal((PaymentState.Failed, StripePaymentGateway.NotAStripePayment), (attempt.State, attempt.FailureCode));
        Assert.Empty(stripe.Requests);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(409)]
    [InlineData(429)]
    public async Task Refund_ServerErrorConflictOrRateLimit_IsUnknown_NeverFailed(int status)
    {
        var gateway = StripeGatewayTests.Gateway(stripe.ApiBase);
        var pi = await PaidFamilyPaymentAsync(gateway);
        stripe.Override = r => r.Path == "/v1/refunds" ? (status, StripeStandIn.Error(status == 409 ? "idempotency_error" : "api_error", null, "Something went wrong.")) : null;

        var attempt = await gateway.RefundAsync(Refund(pi));

        Assert.Equal(new PaymentAttempt(null, PaymentState.Unknown), attempt);
    }

    [Fact]
    public async Task Refund_WhenTheAnswerOutlastsTheTimeout_IsUnknown_AndTheSameKeyReplaysTheOneRefund()
    {
        var pi = await PaidFamilyPaymentAsync(StripeGatewayTests.Gateway(stripe.ApiBase));
        var gateway = StripeGatewayTests.Gateway(stripe.ApiBase, timeout: TimeSpan.FromSeconds(1));
        var order = Refund(pi);
        stripe.DelayNextCreates(1, TimeSpan.FromSeconds(4));

        var lost = await gateway.RefundAsync(order);

        Assert.Equal(PaymentState.Unknown, lost.State);
        var made = Assert.Single(stripe.Refunds); // the money went back although the answer never came
        var replayed = await gateway.RefundAsync(order);
        Assert.Equal(new PaymentAttempt((string)made["id"]!, PaymentState.Succeeded), replayed);
        Assert.Single(stripe.Refunds);
        Assert.Equal(2, stripe.Requests.Count(r => r.Path == "/v1/refunds" && r.Headers["Idempotency-Key"] == order.IdempotencyKey));
    }

    [Fact]
    public async Task Refund_RetriedWithTheSameKey_RefundsOnce_AndAnotherKeyIsAnotherRefund()
    {
        var gateway = StripeGatewayTests.Gateway(stripe.ApiBase);
        var pi = await PaidFamilyPaymentAsync(gateway);
        var order = Refund(pi, fen: 300);

        var first = await gateway.RefundAsync(order);
        var again = await gateway.RefundAsync(order);
        var other = await gateway.RefundAsync(order with { RefundId = Guid.CreateVersion7(), IdempotencyKey = "refund-other-0001" });

        Assert.Equal(first.GatewayReference, again.GatewayReference);
        Assert.NotEqual(first.GatewayReference, other.GatewayReference);
        Assert.Equal(2, stripe.Refunds.Count);
    }

    [Theory]
    [InlineData("family_fee", PaymentState.Failed)]
    [InlineData(null, PaymentState.Pending)]
    public void Webhook_PaymentFailed_EndsAFamilysQrAttempt_ButNotASchoolsPayment(string? kind, PaymentState state)
    {
        const string secret = "whsec_refund_test";
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        var metadata = new JsonObject { ["payment_id"] = Guid.CreateVersion7().ToString(), ["bill_id"] = Guid.CreateVersion7().ToString() };
        if (kind is not null) metadata["kind"] = kind;
        var body = new JsonObject
        {
            ["id"] = "evt_failed_1", ["object"] = "event", ["api_version"] = "2020-08-27", ["created"] = 1772438400, ["type"] = "payment_intent.payment_failed",
            ["data"] = new JsonObject
            {
                ["object"] = new JsonObject
                {
                    ["id"] = "pi_3Standin", ["object"] = "payment_intent", ["amount"] = 700, ["currency"] = "cny", ["status"] = "requires_payment_method",
                    ["created"] = 1772438390, ["metadata"] = metadata,
                },
            },
        }.ToJsonString();
        var t = time.GetUtcNow().ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));

        var read = new StripeWebhookReader(Options.Create(new StripeOptions { SecretKey = "sk_test_x", WebhookSecret = secret }), time)
            .Read(body, $"t={t},v1={Convert.ToHexStringLower(mac)}");

        Assert.Equal(state, read.Payment!.State);
    }

    [Theory]
    [InlineData("refund.created", "pending", PaymentState.Pending)]
    [InlineData("refund.updated", "succeeded", PaymentState.Succeeded)]
    [InlineData("refund.failed", "failed", PaymentState.Failed)]
    [InlineData("charge.refund.updated", "canceled", PaymentState.Failed)]
    public void Webhook_RefundEvents_ReadAsTheRefundWithOurIds(string type, string status, PaymentState state)
    {
        const string secret = "whsec_refund_test";
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        var (refundId, billId) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var body = new JsonObject
        {
            ["id"] = "evt_refund_1", ["object"] = "event", ["api_version"] = "2020-08-27", ["created"] = 1772438400, ["type"] = type,
            ["data"] = new JsonObject
            {
                ["object"] = new JsonObject
                {
                    ["id"] = "re_1Standin", ["object"] = "refund", ["amount"] = 700, ["currency"] = "cny", ["payment_intent"] = "pi_3Standin",
                    ["status"] = status, ["failure_reason"] = status == "failed" ? "expired_or_canceled_card" : null, ["created"] = 1772438390,
                    ["metadata"] = new JsonObject { ["refund_id"] = refundId.ToString(), ["bill_id"] = billId.ToString(), ["school_id"] = Guid.Empty.ToString() },
                },
            },
        }.ToJsonString();
        var t = time.GetUtcNow().ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));

        var read = new StripeWebhookReader(Options.Create(new StripeOptions { SecretKey = "sk_test_x", WebhookSecret = secret }), time)
            .Read(body, $"t={t},v1={Convert.ToHexStringLower(mac)}");

        Assert.Null(read.Payment);
        Assert.Equal(new GatewayRefund("re_1Standin", "pi_3Standin", 700, state, refundId, billId, status == "failed" ? "expired_or_canceled_card" : null), read.Refund);
    }
}
