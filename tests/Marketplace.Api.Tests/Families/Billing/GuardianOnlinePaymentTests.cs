using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Adapters.Tests.Payments;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Api.Tests.Families.Selection;
using Marketplace.Api.Tests.Settlement;
using Marketplace.Core.Families;
using Marketplace.Core.Families.Billing;
using Marketplace.Core.Families.RollCall;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Api.Tests.Families.Selection.SelectionSetup;

namespace Marketplace.Api.Tests.Families.Billing;

/// <summary>The roll-call host (bookings and rolls on a clock the test moves) with Marketplace:Payments = Stripe against a local stand-in.</summary>
public sealed class StripeFamilyFactory : SettlementClockFactory
{
    public const string WebhookSecret = "whsec_test_families";

    public StripeFamilyFactory() : this(StartStandIn()) { }

    private StripeFamilyFactory(StripeStandIn standIn) : base(new Dictionary<string, string?>
    {
        ["Marketplace:Payments"] = "Stripe", ["Marketplace:Stripe:SecretKey"] = StripeStandIn.SecretKey,
        ["Marketplace:Stripe:WebhookSecret"] = WebhookSecret, ["Marketplace:Stripe:ApiBase"] = standIn.ApiBase,
        ["Marketplace:Stripe:MaxNetworkRetries"] = "0",
    }) => StandIn = standIn;

    public StripeStandIn StandIn { get; }

    public RecordingCodeSender Codes { get; } = new();

    private static StripeStandIn StartStandIn()
    {
        var standIn = new StripeStandIn();
        standIn.InitializeAsync().GetAwaiter().GetResult();
        return standIn;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<ICodeSender>(Codes);
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<RollCallCommands>(sp, (TimeProvider)Clock));
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await StandIn.DisposeAsync();
    }
}

/// <summary>
/// Issue 18: a guardian pays its child's bill from its page through Stripe (a WeChat Pay PaymentIntent confirmed by the server, its
/// QR code a data: URL), the bill records the payment only when the signed webhook says it succeeded (once, however often it
/// comes), two pay requests at once make one attempt, and credits after an absence go back on the PaymentIntent (原路返回) —
/// pending until Stripe's refund event, or asked again with the same key when the answer was lost. DOMAIN.md's figures: 700 fen.
/// </summary>
public sealed class GuardianOnlinePaymentTests(StripeFamilyFactory factory) : IClassFixture<StripeFamilyFactory>
{
    private static int _guardians = 9_600;

    private sealed record Billed(HttpClient School, Guid BookingId, DateTimeOffset StartsAt, TestGuardian Guardian, Guid BillId);

    /// <summary>The policy, a confirmed booking of one pupil, a first-come window, the pupil applied and approved: a bill of 700.</summary>
    private async Task<Billed> BilledAsync()
    {
        await FamilyFeePolicy.PutAsync(factory);
        var (provider, sessionId, startsAt) = await SettlementFlowTests.SessionAsync(factory);
        var school = await factory.ClientForAsync("school3");
        var booking = await (await school.SendAsync(SettlementFlowTests.Book(sessionId, Guid.NewGuid().ToString("N"), 1, hardship: 0))).AssertStatusAsync(201);
        await (await provider.PostJsonAsync($"/api/bookings/{booking.Id()}/confirm", null)).AssertStatusAsync(200);
        var window = await (await school.PostJsonAsync("/api/selection-windows", Window("FirstCome", [new { bookingId = booking.Id() }], cap: 1))).AssertStatusAsync(201);
        var guardian = await GuardianAsync(factory, "school3", Interlocked.Increment(ref _guardians));
        var applied = await (await guardian.Client.PostJsonAsync($"/api/selection-windows/{window.Id()}/applications", Apply(guardian.PupilId, booking.Id())))
            .AssertStatusAsync(201);
        foreach (var step in new[] { "class-review", "school-review" })
            await (await school.PostJsonAsync($"/api/selection-windows/{window.Id()}/applications/{applied.Id()}/{step}", new { approve = true })).AssertStatusAsync(200);
        var bill = await BillAsync(guardian, b => b["billedFen"]!.GetValue<long>() == 700);
        return new Billed(school, booking.Id(), startsAt, guardian, bill.Id());
    }

    private static async Task<JsonNode> BillAsync(TestGuardian g, Func<JsonNode, bool> until)
    {
        for (var i = 0; ; i++)
        {
            var bills = (await g.Client.GetJsonAsync($"/api/guardian/children/{g.PupilId}/bills")).AsArray();
            if (bills.Count == 1 && until(bills[0]!)) return bills[0]!;
            if (i >= 150) Assert.Fail($"The bill did not get there: {bills.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    private static HttpRequestMessage Pay(Billed b, string key) =>
        new(HttpMethod.Post, $"/api/guardian/children/{b.Guardian.PupilId}/bills/{b.BillId}/payments") { Headers = { { "Idempotency-Key", key } } };

    private Task<HttpResponseMessage> Webhook(string body)
    {
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(StripeFamilyFactory.WebhookSecret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/stripe") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", $"t={t},v1={Convert.ToHexStringLower(mac)}");
        return factory.CreateClient().SendAsync(request);
    }

    private static string Event(string id, string type, JsonObject data) => new JsonObject
    {
        ["id"] = id, ["object"] = "event", ["api_version"] = "2020-08-27", ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["livemode"] = false,
        ["pending_webhooks"] = 1, ["type"] = type, ["data"] = new JsonObject { ["object"] = data },
    }.ToJsonString();

    /// <summary>payment_intent.succeeded for the stand-in's PaymentIntent, as Stripe would send it (its metadata as we created it).</summary>
    private string Succeeded(string eventId, string pi)
    {
        factory.StandIn.SetStatus(pi, "succeeded");
        var intent = (JsonObject)factory.StandIn.Intents.Single(i => (string)i["id"]! == pi).DeepClone();
        return Event(eventId, "payment_intent.succeeded", intent);
    }

    private async Task<List<LedgerTransaction>> PostingsAsync(Guid billId)
    {
        var store = factory.Services.GetRequiredService<IMarketplaceStore>();
        var bill = (await store.FindAsync<FamilyBill>(billId))!;
        return [.. (await store.ListLedgerAsync(new LedgerFilter(SchoolId: bill.SchoolId, Limit: 5000))).Where(t => t.BusinessKey.StartsWith($"family-bill:{billId:N}:", StringComparison.Ordinal))];
    }

    /// <summary>Pays the bill through the page's API and the webhook; the PaymentIntent's id.</summary>
    private async Task<string> PaidAsync(Billed b, string key)
    {
        var started = await (await b.Guardian.Client.SendAsync(Pay(b, key))).AssertStatusAsync(201);
        var pi = started["gatewayReference"]!.GetValue<string>();
        await (await Webhook(Succeeded($"evt_paid_{key}", pi))).AssertStatusAsync(200);
        await BillAsync(b.Guardian, bill => bill["paidFen"]!.GetValue<long>() == 700);
        return pi;
    }

    [Fact]
    public async Task AGuardianPaysByWeChatQr_TheWebhookRecordsIt_AndItsReplayChangesNothing()
    {
        var b = await BilledAsync();

        var started = await (await b.Guardian.Client.SendAsync(Pay(b, "family-pay-0001"))).AssertStatusAsync(201);
        Assert.Equal(("Pending", 700, "stripe"), (started["state"]!.GetValue<string>(), started["amountFen"]!.GetValue<long>(), started["method"]!.GetValue<string>()));
        Assert.Equal(StripeStandIn.QrDataUrl, started["qrImageDataUrl"]!.GetValue<string>());
        var pi = started["gatewayReference"]!.GetValue<string>();
        var intent = factory.StandIn.Intents.Single(i => (string)i["id"]! == pi);
        Assert.Equal((700, "cny"), (intent["amount"]!.GetValue<long>(), intent["currency"]!.GetValue<string>()));
        Assert.Equal(b.BillId.ToString(), intent["metadata"]!["bill_id"]!.GetValue<string>());
        Assert.Null(intent["transfer_data"]);

        // The page shows the open attempt; nothing is paid until Stripe says so. The same key again is the same attempt.
        var open = await BillAsync(b.Guardian, _ => true);
        Assert.Equal((0, 700), (open["paidFen"]!.GetValue<long>(), open["balanceFen"]!.GetValue<long>()));
        Assert.Equal("Pending", Assert.Single(open["onlinePayments"]!.AsArray())!["state"]!.GetValue<string>());
        var again = await (await b.Guardian.Client.SendAsync(Pay(b, "family-pay-0001"))).AssertStatusAsync(200);
        Assert.Equal(started["id"]!.GetValue<Guid>(), again["id"]!.GetValue<Guid>());
        Assert.Single(factory.StandIn.Intents, i => (string?)i["metadata"]?["bill_id"] == b.BillId.ToString());

        var body = Succeeded("evt_family_paid_1", pi);
        Assert.True((await (await Webhook(body)).AssertStatusAsync(200))["processed"]!.GetValue<bool>());
        var paid = await BillAsync(b.Guardian, bill => bill["paidFen"]!.GetValue<long>() == 700);
        Assert.Equal(0, paid["balanceFen"]!.GetValue<long>());
        var payment = Assert.Single(paid["payments"]!.AsArray())!;
        Assert.Equal(("stripe", pi, started["id"]!.GetValue<Guid>()), (payment["method"]!.GetValue<string>(), payment["reference"]!.GetValue<string>(), payment.Id()));
        Assert.Equal("Succeeded", paid["onlinePayments"]![0]!["state"]!.GetValue<string>());
        Assert.Null(paid["onlinePayments"]![0]!["qrImageDataUrl"]);

        Assert.False((await (await Webhook(body)).AssertStatusAsync(200))["processed"]!.GetValue<bool>());
        var redelivered = await BillAsync(b.Guardian, _ => true);
        Assert.Equal((paid["version"]!.GetValue<long>(), 700), (redelivered["version"]!.GetValue<long>(), redelivered["paidFen"]!.GetValue<long>()));
        var receipt = Assert.Single(await PostingsAsync(b.BillId), t => t.Kind == LedgerKind.Receipt);
        var schoolId = await factory.OrganizationOfAsync("school3");
        Assert.Equal(700, receipt.Entries.Single(e => e.Account == Core.Settlement.Accounts.Cash(schoolId)).AmountFen);

        // Paid: nothing is owed, so another attempt is refused in the caller's language.
        var nothing = await (await b.Guardian.Client.SendAsync(Pay(b, "family-pay-0002"))).AssertProblemAsync(409);
        Assert.Equal("bill-nothing-owed", nothing["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task TwoPayRequestsAtOnce_MakeOneAttempt_AndTheOthersAreRefused()
    {
        var b = await BilledAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => b.Guardian.Client.SendAsync(Pay(b, $"parallel-pay-{i:D4}"))));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.Created))
            Assert.Equal("bill-online-payment-open", (await refused.AssertProblemAsync(409))["code"]!.GetValue<string>());
        Assert.Single(factory.StandIn.Intents, i => (string?)i["metadata"]?["bill_id"] == b.BillId.ToString());
        Assert.Single((await BillAsync(b.Guardian, _ => true))["onlinePayments"]!.AsArray());

        // The same key sent eight times at once: one attempt, one PaymentIntent, every answer naming it.
        var c = await BilledAsync();
        var same = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => c.Guardian.Client.SendAsync(Pay(c, "same-key-pay-0001"))));
        var ids = new HashSet<Guid>();
        foreach (var answer in same) ids.Add((await answer.AssertStatusAsync(answer.StatusCode == HttpStatusCode.Created ? 201 : 200)).Id());
        Assert.Single(ids);
        Assert.Single(factory.StandIn.Intents, i => (string?)i["metadata"]?["bill_id"] == c.BillId.ToString());
    }

    [Fact]
    public async Task AFailedQrPayment_ClosesTheAttempt_AndTheGuardianCanStartAgain()
    {
        var b = await BilledAsync();
        var first = await (await b.Guardian.Client.SendAsync(Pay(b, "failed-pay-00001"))).AssertStatusAsync(201);
        await (await b.Guardian.Client.SendAsync(Pay(b, "failed-pay-00002"))).AssertProblemAsync(409);
        var pi = first["gatewayReference"]!.GetValue<string>();
        var intent = (JsonObject)factory.StandIn.Intents.Single(i => (string)i["id"]! == pi).DeepClone();
        intent["status"] = "requires_payment_method";

        await (await Webhook(Event("evt_family_failed_1", "payment_intent.payment_failed", intent))).AssertStatusAsync(200);

        var failed = await BillAsync(b.Guardian, bill => bill["onlinePayments"]![0]!["state"]!.GetValue<string>() == "Failed");
        Assert.Equal((0, 700), (failed["paidFen"]!.GetValue<long>(), failed["balanceFen"]!.GetValue<long>()));
        var again = await (await b.Guardian.Client.SendAsync(Pay(b, "failed-pay-00003"))).AssertStatusAsync(201);
        Assert.NotEqual(pi, again["gatewayReference"]!.GetValue<string>());
        Assert.Equal(2, (await BillAsync(b.Guardian, _ => true))["onlinePayments"]!.AsArray().Count);
    }

    [Fact]
    public async Task AnotherGuardiansChild_Is404_AndBadInputNamesTheField()
    {
        var b = await BilledAsync();
        var stranger = await GuardianAsync(factory, "school3", Interlocked.Increment(ref _guardians));

        await (await stranger.Client.SendAsync(Pay(b, "stranger-pay-0001"))).AssertProblemAsync(404);
        var ownChildOtherBill = new HttpRequestMessage(HttpMethod.Post, $"/api/guardian/children/{stranger.PupilId}/bills/{b.BillId}/payments")
        {
            Headers = { { "Idempotency-Key", "stranger-pay-0002" } },
        };
        await (await stranger.Client.SendAsync(ownChildOtherBill)).AssertProblemAsync(404);
        await (await (await factory.ClientForAsync("school3")).SendAsync(Pay(b, "school-pay-00001"))).AssertProblemAsync(403);
        var noKey = await (await b.Guardian.Client.PostAsync($"/api/guardian/children/{b.Guardian.PupilId}/bills/{b.BillId}/payments", null)).AssertProblemAsync(400);
        Assert.NotNull(noKey["errors"]!["Idempotency-Key"]);
        Assert.DoesNotContain(factory.StandIn.Intents, i => (string?)i["metadata"]?["bill_id"] == b.BillId.ToString());
    }

    [Fact]
    public async Task AnAbsenceAfterAnOnlinePayment_IsRefundedOnThePaymentIntent_PendingUntilStripesRefundEvent()
    {
        var b = await BilledAsync();
        var pi = await PaidAsync(b, "absence-pay-0001");
        factory.StandIn.RefundStatus = "pending"; // WeChat Pay refunds can take a while

        factory.Clock.SetUtcNow(b.StartsAt.AddMinutes(81));
        await (await b.School.PutAsJsonAsync($"/api/bookings/{b.BookingId}/roll-call", RollCallClass.Marks((b.Guardian.PupilId, false)))).AssertStatusAsync(200);
        var pending = await BillAsync(b.Guardian, bill => bill["pendingRefunds"]!.AsArray().Count == 1);
        Assert.Equal((700, 0, -700), (pending["creditedFen"]!.GetValue<long>(), pending["refundedFen"]!.GetValue<long>(), pending["balanceFen"]!.GetValue<long>()));
        var asked = pending["pendingRefunds"]![0]!;
        Assert.Equal(("Pending", 700, pi), (asked["state"]!.GetValue<string>(), asked["amountFen"]!.GetValue<long>(), asked["originalReference"]!.GetValue<string>()));
        var refund = factory.StandIn.Refunds.Single(r => (string)r["payment_intent"]! == pi);
        Assert.Equal((700, asked.Id().ToString(), b.BillId.ToString()),
            (refund["amount"]!.GetValue<long>(), refund["metadata"]!["refund_id"]!.GetValue<string>(), refund["metadata"]!["bill_id"]!.GetValue<string>()));
        Assert.DoesNotContain(await PostingsAsync(b.BillId), t => t.Kind == LedgerKind.Refund);

        // The roll saved again changes nothing and asks Stripe nothing more: the pending refund is not asked twice.
        await factory.Services.GetRequiredService<FamilyBilling>().RollChangedAsync(b.BookingId);
        Assert.Single(factory.StandIn.Refunds, r => (string)r["payment_intent"]! == pi);

        refund["status"] = "succeeded";
        var body = Event("evt_refund_done_1", "refund.updated", (JsonObject)refund.DeepClone());
        await (await Webhook(body)).AssertStatusAsync(200);
        var refunded = await BillAsync(b.Guardian, bill => bill["refundedFen"]!.GetValue<long>() == 700);
        Assert.Empty(refunded["pendingRefunds"]!.AsArray());
        Assert.Equal(0, refunded["balanceFen"]!.GetValue<long>());
        var done = Assert.Single(refunded["refunds"]!.AsArray())!;
        Assert.Equal(("stripe", pi, (string)refund["id"]!), (done["method"]!.GetValue<string>(), done["originalReference"]!.GetValue<string>(), done["gatewayReference"]!.GetValue<string>()));
        Assert.False((await (await Webhook(body)).AssertStatusAsync(200))["processed"]!.GetValue<bool>());
        var postings = await PostingsAsync(b.BillId);
        Assert.Single(postings, t => t.Kind == LedgerKind.Refund);
        Assert.All(postings, t => Assert.Equal(0, t.Entries.Sum(e => e.AmountFen)));
        Assert.Equal(0, postings.SelectMany(t => t.Entries).Where(e => e.Account == Core.Settlement.Accounts.FamilyBill(b.BillId)).Sum(e => e.AmountFen));
    }

    [Fact]
    public async Task ARefundWhoseAnswerWasLost_ShowsAsPending_AndIsSettledByAskingAgainWithTheSameKey()
    {
        var b = await BilledAsync();
        var pi = await PaidAsync(b, "lost-refund-pay-0001");
        factory.StandIn.RefundStatus = "succeeded"; // the stand-in is the class's: another test may have left it pending
        factory.StandIn.Override = r => r.Path == "/v1/refunds" ? (500, StripeStandIn.Error("api_error", null, "An unknown error occurred.")) : null;

        factory.Clock.SetUtcNow(b.StartsAt.AddMinutes(81));
        await (await b.School.PutAsJsonAsync($"/api/bookings/{b.BookingId}/roll-call", RollCallClass.Marks((b.Guardian.PupilId, false)))).AssertStatusAsync(200);
        var unknown = await BillAsync(b.Guardian, bill => bill["pendingRefunds"]!.AsArray().Count == 1);
        var asked = unknown["pendingRefunds"]![0]!;
        Assert.Equal(("Unknown", 0), (asked["state"]!.GetValue<string>(), unknown["refundedFen"]!.GetValue<long>()));
        var key = factory.StandIn.Requests.Last(r => r.Path == "/v1/refunds").Headers["Idempotency-Key"];

        // Stripe answers again: the bill's next change asks with the same key, and the one refund is recorded.
        factory.StandIn.Override = null;
        await factory.Services.GetRequiredService<FamilyBilling>().RollChangedAsync(b.BookingId);
        var refunded = await BillAsync(b.Guardian, bill => bill["refundedFen"]!.GetValue<long>() == 700);
        Assert.Empty(refunded["pendingRefunds"]!.AsArray());
        Assert.Equal(asked.Id(), Assert.Single(refunded["refunds"]!.AsArray())!.Id());
        Assert.Equal(key, factory.StandIn.Requests.Last(r => r.Path == "/v1/refunds").Headers["Idempotency-Key"]);
        Assert.Single(factory.StandIn.Refunds, r => (string)r["payment_intent"]! == pi);
        await factory.Services.GetRequiredService<FamilyBilling>().RollChangedAsync(b.BookingId);
        Assert.Single(factory.StandIn.Refunds, r => (string)r["payment_intent"]! == pi);
        Assert.Single(await PostingsAsync(b.BillId), t => t.Kind == LedgerKind.Refund);
    }

    [Fact]
    public async Task TheBureausReconciliation_MatchesAFamilysPayment_AndNamesOneStripeTookThatTheBillNeverRecorded()
    {
        var paid = await BilledAsync();
        var pi = await PaidAsync(paid, "reconcile-pay-0001");
        factory.StandIn.SetStatus(pi, "succeeded");
        var paymentId = (await BillAsync(paid.Guardian, bill => bill["paidFen"]!.GetValue<long>() == 700))["payments"]![0]!.Id();

        // Another family pays at Stripe, whose webhook never arrives: Stripe has the money, the bill does not know.
        var lost = await BilledAsync();
        var started = await (await lost.Guardian.Client.SendAsync(Pay(lost, "reconcile-pay-0002"))).AssertStatusAsync(201);
        var lostPi = started["gatewayReference"]!.GetValue<string>();
        factory.StandIn.SetStatus(lostPi, "succeeded");

        var bureau = await factory.ClientForAsync("bureau-110105");
        var month = ChinaTime.DateOf(DateTimeOffset.UtcNow).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var report = await bureau.GetJsonAsync($"/api/reconciliation?month={month}&district=110105");
        var mismatches = report["mismatches"]!.AsArray();
        Assert.DoesNotContain(mismatches, m => m!["paymentId"]?.GetValue<Guid>() == paymentId);
        Assert.True(report["matched"]!.GetValue<int>() >= 1, report.ToJsonString());
        var notPosted = Assert.Single(mismatches, m => m!["gatewayReference"]?.GetValue<string>() == lostPi)!;
        Assert.Equal(("NotPosted", 700, lost.BillId), (notPosted["kind"]!.GetValue<string>(), notPosted["gatewayFen"]!.GetValue<long>(), notPosted["billId"]!.GetValue<Guid>()));
        Assert.Null(notPosted["ledgerFen"]);

        // Another district's bureau sees neither family.
        var other = await (await factory.ClientForAsync("bureau-110101")).GetJsonAsync($"/api/reconciliation?month={month}");
        Assert.DoesNotContain(other["mismatches"]!.AsArray(), m => m!["gatewayReference"]?.GetValue<string>() is { } r && (r == lostPi || r == pi));

        // The webhook arrives after all: the bill records it and the next report matches it.
        await (await Webhook(Succeeded("evt_reconcile_late_1", lostPi))).AssertStatusAsync(200);
        await BillAsync(lost.Guardian, bill => bill["paidFen"]!.GetValue<long>() == 700);
        var again = await bureau.GetJsonAsync($"/api/reconciliation?month={month}&district=110105");
        Assert.DoesNotContain(again["mismatches"]!.AsArray(), m => m!["gatewayReference"]?.GetValue<string>() == lostPi);
        Assert.Equal(report["matched"]!.GetValue<int>() + 1, again["matched"]!.GetValue<int>());
    }

    [Fact]
    public async Task ARefundStripeRefuses_StaysDue_AndTheHourlySweepAsksAgainWithANewKey()
    {
        var b = await BilledAsync();
        var pi = await PaidAsync(b, "refused-refund-pay-0001");
        factory.StandIn.RefundStatus = "succeeded";
        factory.StandIn.Override = r => r.Path == "/v1/refunds"
            ? (400, StripeStandIn.Error("invalid_request_error", "balance_insufficient", "You have insufficient funds in your Stripe account.")) : null;
        var billing = factory.Services.GetRequiredService<FamilyBilling>();
        try
        {
            factory.Clock.SetUtcNow(b.StartsAt.AddMinutes(81));
            await (await b.School.PutAsJsonAsync($"/api/bookings/{b.BookingId}/roll-call", RollCallClass.Marks((b.Guardian.PupilId, false)))).AssertStatusAsync(200);
            var due = await BillAsync(b.Guardian, bill => bill["creditedFen"]!.GetValue<long>() == 700);
            Assert.Equal((-700, 0), (due["balanceFen"]!.GetValue<long>(), due["refundedFen"]!.GetValue<long>()));
            Assert.Empty(due["pendingRefunds"]!.AsArray()); // refused: nothing on its way, the refund stays due
            Assert.Equal(1, due["refundFailures"]!.GetValue<int>()); // and the school is told it failed
            Assert.NotNull(due["lastRefundFailureAt"]);
            var refused = factory.StandIn.Requests.Where(r => r.Path == "/v1/refunds").ToList();
            var firstKey = refused[^1].Headers["Idempotency-Key"];

            // The sweep leaves a bill changed within its period alone (a refusal is asked again an hour later, not in a loop).
            await billing.RetryRefundsAsync(DateTimeOffset.UtcNow.AddHours(-1));
            Assert.Equal(refused.Count, factory.StandIn.Requests.Count(r => r.Path == "/v1/refunds"));

            // An hour on, Stripe takes it: a new refund with a new key, recorded and posted; the next sweep asks nothing more.
            factory.StandIn.Override = null;
            var (changed, failed) = await billing.RetryRefundsAsync(DateTimeOffset.UtcNow);
            Assert.True(changed >= 1);
            Assert.Equal(0, failed);
            var refunded = await BillAsync(b.Guardian, bill => bill["refundedFen"]!.GetValue<long>() == 700);
            Assert.Equal(0, refunded["balanceFen"]!.GetValue<long>());
            Assert.NotEqual(firstKey, factory.StandIn.Requests.Last(r => r.Path == "/v1/refunds").Headers["Idempotency-Key"]);
            Assert.Single(factory.StandIn.Refunds, r => (string)r["payment_intent"]! == pi);
            await billing.RetryRefundsAsync(DateTimeOffset.UtcNow);
            Assert.Single(factory.StandIn.Refunds, r => (string)r["payment_intent"]! == pi);
            var postings = await PostingsAsync(b.BillId);
            Assert.Single(postings, t => t.Kind == LedgerKind.Refund);
            Assert.Equal(0, postings.SelectMany(t => t.Entries).Where(e => e.Account == Core.Settlement.Accounts.FamilyBill(b.BillId)).Sum(e => e.AmountFen));
        }
        finally
        {
            factory.StandIn.Override = null;
        }
    }
}

/// <summary>With the offline gateway only (the default: the school records payments), a guardian cannot pay online: 409 in its language.</summary>
public sealed class GuardianOnlinePaymentOfflineTests(RollCallFactory factory) : IClassFixture<RollCallFactory>
{
    [Fact]
    public async Task PayingOnline_WhereOnlyOfflinePaymentsExist_Is409PaymentOnlineUnavailable_InTheCallersLanguage()
    {
        var guardian = await GuardianAsync(factory, "school3", 9_700);
        var bill = Guid.CreateVersion7();
        HttpRequestMessage Pay(string? language)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/guardian/children/{guardian.PupilId}/bills/{bill}/payments")
            {
                Headers = { { "Idempotency-Key", "offline-pay-0001" } },
            };
            if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
            return request;
        }

        var zh = await (await guardian.Client.SendAsync(Pay(null))).AssertProblemAsync(409);
        Assert.Equal("payment-online-unavailable", zh["code"]!.GetValue<string>());
        Assert.Contains("学校统一缴费", zh["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var en = await (await guardian.Client.SendAsync(Pay("en"))).AssertProblemAsync(409);
        Assert.Contains("unified payment", en["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var stranger = await GuardianAsync(factory, "school3", 9_701);
        await (await stranger.Client.SendAsync(Pay(null))).AssertProblemAsync(404); // not its child: 404 before anything else
    }
}
