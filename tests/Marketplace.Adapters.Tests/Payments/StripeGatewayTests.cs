using System.Text.Json.Nodes;
using Marketplace.Core.Settlement;
using Marketplace.Payments.Stripe;
using Stripe;

namespace Marketplace.Adapters.Tests.Payments;

/// <summary>The Stripe gateway through Stripe.net's real HTTP client against <see cref="StripeStandIn"/> on loopback.</summary>
public sealed class StripeGatewayTests : IClassFixture<StripeStandIn>
{
    private readonly StripeStandIn stripe;

    public StripeGatewayTests(StripeStandIn stripe)
    {
        this.stripe = stripe;
        stripe.Reset();
    }

    internal static StripePaymentGateway Gateway(string apiBase, TimeSpan? timeout = null, int retries = 0)
    {
        var client = StripeServiceCollectionExtensions.CreateClient(new StripeOptions
        {
            SecretKey = StripeStandIn.SecretKey,
            WebhookSecret = "whsec_unused",
            ApiBase = apiBase,
            Timeout = timeout ?? TimeSpan.FromSeconds(10),
            MaxNetworkRetries = retries,
        });
        return new(new PaymentIntentService(client), new RefundService(client));
    }

    private static PaymentOrder Order(string key = "pay-2026-03-0001", string? account = "acct_1ProviderA", long fen = 1_234_500) =>
        new(Guid.CreateVersion7(), key, fen, Guid.CreateVersion7(), Guid.CreateVersion7(), "2026年3月 结算单 · 少年宫围棋", account);

    [Fact]
    public async Task Start_SendsAFormEncodedDestinationChargeInFen_WithTheIdempotencyKeyAndTheSecretKey()
    {
        var order = Order();

        var attempt = await Gateway(stripe.ApiBase).StartAsync(order);

        var request = Assert.Single(stripe.Requests);
        Assert.Equal(("POST", "/v1/payment_intents"), (request.Method, request.Path));
        Assert.StartsWith("application/x-www-form-urlencoded", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("1234500", request.Form["amount"]);
        Assert.Equal("cny", request.Form["currency"]);
        Assert.Equal("acct_1ProviderA", request.Form["transfer_data[destination]"]);
        Assert.Equal(order.PaymentId.ToString(), request.Form["metadata[payment_id]"]);
        Assert.Equal(order.SchoolId.ToString(), request.Form["metadata[school_id]"]);
        Assert.Equal(order.ProviderId.ToString(), request.Form["metadata[provider_id]"]);
        Assert.Equal(order.Description, request.Form["description"]);
        Assert.Equal(order.IdempotencyKey, request.Headers["Idempotency-Key"]);
        Assert.Equal("Bearer " + StripeStandIn.SecretKey, request.Headers["Authorization"]);
        var intent = Assert.Single(stripe.Intents);
        Assert.Equal((string)intent["id"]!, attempt.GatewayReference);
        Assert.Equal(PaymentState.Pending, attempt.State);
        Assert.Equal((string)intent["client_secret"]!, attempt.ClientSecret);
        Assert.Null(attempt.FailureCode);
    }

    [Fact]
    public async Task Start_RetriedWithTheSameKey_CreatesOnePaymentIntent()
    {
        var gateway = Gateway(stripe.ApiBase);
        var order = Order();

        var first = await gateway.StartAsync(order);
        var retry = await gateway.StartAsync(order);

        Assert.Equal(2, stripe.Requests.Count);
        Assert.Single(stripe.Intents);
        Assert.Equal(first.GatewayReference, retry.GatewayReference);
    }

    [Fact]
    public async Task Start_WithAKeyHttpCannotCarry_SendsItsStableHash_AndARetryStillCreatesOnePaymentIntent()
    {
        var gateway = Gateway(stripe.ApiBase);
        var order = Order("pay-2026-03-东城-0001"); // HttpClient refuses non-ASCII header values before sending anything

        var first = await gateway.StartAsync(order);
        var retry = await gateway.StartAsync(order);

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(order.IdempotencyKey)));
        Assert.All(stripe.Requests, r => Assert.Equal("sha256-" + hash, r.Headers["Idempotency-Key"]));
        Assert.Equal(2, stripe.Requests.Count);
        Assert.Equal(PaymentState.Pending, first.State);
        Assert.Equal(first.GatewayReference, retry.GatewayReference);
        Assert.Single(stripe.Intents);
    }

    [Fact]
    public async Task Start_WithAnotherKey_IsAnotherPayment() // the stand-in does create; the test above would see a second charge
    {
        var gateway = Gateway(stripe.ApiBase);

        var first = await gateway.StartAsync(Order("pay-a"));
        var second = await gateway.StartAsync(Order("pay-b"));

        Assert.Equal(2, stripe.Intents.Count);
        Assert.NotEqual(first.GatewayReference, second.GatewayReference);
    }

    [Fact]
    public async Task Start_WithoutAConnectAccount_FailsWithoutCallingStripe()
    {
        var attempt = await Gateway(stripe.ApiBase).StartAsync(Order(account: null));

        Assert.Equal(new PaymentAttempt(null, PaymentState.Failed, FailureCode: "no-connect-account"), attempt);
        Assert.Empty(stripe.Requests);
    }

    [Fact]
    public async Task Start_WhenTheAnswerOutlastsTheTimeout_IsUnknown_AndTheSameKeyLaterFindsTheRealPayment()
    {
        var gateway = Gateway(stripe.ApiBase, timeout: TimeSpan.FromSeconds(1));
        var order = Order();
        stripe.DelayNextCreates(1, TimeSpan.FromSeconds(4));

        var lost = await gateway.StartAsync(order);

        Assert.Equal(new PaymentAttempt(null, PaymentState.Unknown), lost);
        var created = Assert.Single(stripe.Intents); // the charge exists although the answer never came
        stripe.SetStatus((string)created["id"]!, "succeeded");
        var replayed = await gateway.StartAsync(order); // Stripe replays the stored answer: same PaymentIntent, nothing new
        Assert.Single(stripe.Intents);
        Assert.Equal((string)created["id"]!, replayed.GatewayReference);
        var found = await gateway.FindAsync(replayed.GatewayReference!);
        Assert.NotNull(found);
        Assert.Equal(PaymentState.Succeeded, found.State);
        Assert.Equal(order.PaymentId, found.PaymentId);
        Assert.Equal(order.AmountFen, found.AmountFen);
    }

    [Fact]
    public async Task Start_StripeNetsOwnRetryAfterATimeout_ReusesTheKey_AndCreatesOnePaymentIntent()
    {
        var gateway = Gateway(stripe.ApiBase, timeout: TimeSpan.FromSeconds(1), retries: 1);
        var order = Order();
        stripe.DelayNextCreates(1, TimeSpan.FromSeconds(4));

        var attempt = await gateway.StartAsync(order);

        Assert.Equal(PaymentState.Pending, attempt.State);
        var posts = stripe.Requests.Where(r => r.Method == "POST").ToList();
        Assert.Equal(2, posts.Count);
        Assert.All(posts, p => Assert.Equal(order.IdempotencyKey, p.Headers["Idempotency-Key"]));
        Assert.Equal((string)Assert.Single(stripe.Intents)["id"]!, attempt.GatewayReference);
    }

    [Fact]
    public async Task Start_CardDeclined402_IsFailedWithStripesCode()
    {
        var declined = new JsonObject { ["id"] = "pi_declined", ["object"] = "payment_intent", ["amount"] = 1_234_500, ["currency"] = "cny", ["status"] = "requires_payment_method" };
        stripe.Override = r => r.Method == "POST"
            ? (402, StripeStandIn.Error("card_error", "card_declined", "Your card was declined.", paymentIntent: declined))
            : null;

        var attempt = await Gateway(stripe.ApiBase).StartAsync(Order());

        Assert.Equal(new PaymentAttempt("pi_declined", PaymentState.Failed, FailureCode: "card_declined"), attempt);
    }

    [Fact]
    public async Task Start_SameKeyWithOtherParameters_IsFailedAsAnIdempotencyError_NotASecondCharge()
    {
        var gateway = Gateway(stripe.ApiBase);
        await gateway.StartAsync(Order("pay-x", fen: 100));

        var attempt = await gateway.StartAsync(Order("pay-x", fen: 200));

        Assert.Equal((PaymentState.Failed, "idempotency_error"), (attempt.State, attempt.FailureCode));
        Assert.Single(stripe.Intents);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(409)]
    public async Task Start_ServerErrorOrConflict_IsUnknown_NeverFailed(int status)
    {
        stripe.Override = r => (status, StripeStandIn.Error(status == 409 ? "idempotency_error" : "api_error", null, "Something went wrong."));

        var attempt = await Gateway(stripe.ApiBase).StartAsync(Order());

        Assert.Equal(PaymentState.Unknown, attempt.State);
    }

    [Fact]
    public async Task Start_WhenNothingListens_IsUnknown()
    {
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        var attempt = await Gateway($"http://127.0.0.1:{port}").StartAsync(Order());

        Assert.Equal(PaymentState.Unknown, attempt.State);
    }

    [Fact]
    public async Task Start_CancelledByTheCaller_Throws_RatherThanGuessing()
    {
        stripe.DelayNextCreates(1, TimeSpan.FromSeconds(3));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Gateway(stripe.ApiBase).StartAsync(Order(), cts.Token));
    }

    [Fact]
    public async Task Find_ReadsThePaymentIntent_AndAnUnknownIdIsNull()
    {
        var paymentId = Guid.CreateVersion7();
        var created = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
        var id = stripe.Seed(88_000, created, "processing", paymentId);
        var gateway = Gateway(stripe.ApiBase);

        var found = await gateway.FindAsync(id);

        Assert.Equal(new GatewayPayment(id, 88_000, "cny", PaymentState.Pending, created, paymentId), found);
        Assert.Equal("GET", stripe.Requests[^1].Method);
        Assert.Null(await gateway.FindAsync("pi_nobodyknows"));
    }

    [Fact]
    public async Task List_PagesThroughHasMore_WithCreatedFromInclusiveToExclusive()
    {
        var from = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.FromHours(8));
        var to = from.AddMonths(1);
        var before = stripe.Seed(1, from.AddSeconds(-1));
        var atFrom = stripe.Seed(2, from);
        var middle = Enumerable.Range(1, 3).Select(d => stripe.Seed(10 + d, from.AddDays(d))).ToList();
        var lastSecond = stripe.Seed(3, to.AddSeconds(-1));
        var atTo = stripe.Seed(4, to);
        stripe.MaxPageSize = 2;

        var listed = await Gateway(stripe.ApiBase).ListAsync(from, to).ToListAsync();

        var expected = new[] { atFrom, lastSecond }.Concat(middle).Order(StringComparer.Ordinal);
        Assert.Equal(expected, listed.Select(p => p.GatewayReference).Order(StringComparer.Ordinal)); // each once, none outside
        Assert.DoesNotContain(before, listed.Select(p => p.GatewayReference));
        Assert.DoesNotContain(atTo, listed.Select(p => p.GatewayReference));
        var pages = stripe.Requests.Where(r => r.Method == "GET").ToList();
        Assert.Equal(3, pages.Count); // 2 + 2 + 1
        Assert.All(pages, p => Assert.Equal((from.ToUnixTimeSeconds().ToString(), to.ToUnixTimeSeconds().ToString()), (p.Query["created[gte]"], p.Query["created[lt]"])));
        Assert.Null(pages[0].Query["starting_after"]);
        Assert.Equal(listed[1].GatewayReference, pages[1].Query["starting_after"]);
    }

    [Fact]
    public async Task List_FromASecondsFraction_StartsAtTheNextWholeSecond()
    {
        var t = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
        stripe.Seed(1, t);
        var next = stripe.Seed(2, t.AddSeconds(1));

        var listed = await Gateway(stripe.ApiBase).ListAsync(t.AddMilliseconds(500), t.AddSeconds(1).AddMilliseconds(500)).ToListAsync();

        Assert.Equal([next], listed.Select(p => p.GatewayReference));
    }
}
