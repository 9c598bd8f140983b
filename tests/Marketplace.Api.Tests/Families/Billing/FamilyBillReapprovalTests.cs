using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Api.Tests.Settlement;
using Marketplace.Core.Families.Billing;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Settlement;
using Microsoft.Extensions.DependencyInjection;
using Marketplace.Api.Tests.Families.Selection;
using static Marketplace.Api.Tests.Families.Selection.SelectionSetup;

namespace Marketplace.Api.Tests.Families.Billing;

/// <summary>
/// Issue 18: a pupil who withdraws and is approved again in the same window is billed again. DOMAIN.md's figures (700 per pupil per
/// session, per-day refunds): approved → 700 billed; paid 700; withdrawn → the withdrawal credits 700 and the payment is refunded on
/// its reference; applied and approved again → a second line (enrolment 2) of 700, so the family owes 700 — the first line and its
/// withdrawal credit stay as they were, the ledger balances and the bill's account equals its balance. Replays bill nothing more.
/// </summary>
public sealed class FamilyBillReapprovalTests(RollCallFactory factory) : IClassFixture<RollCallFactory>
{
    private static int _guardians = 9_500;

    private static long Fen(JsonNode n, string field) => n[field]!.GetValue<long>();

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

    [Fact]
    public async Task WithdrawnThenApprovedAgain_IsBilledAgain_AndTheWithdrawalCreditStays()
    {
        await FamilyFeePolicy.PutAsync(factory);
        var (provider, sessionId, _) = await SettlementFlowTests.SessionAsync(factory);
        var school = await factory.ClientForAsync("school3");
        var booking = await (await school.SendAsync(SettlementFlowTests.Book(sessionId, Guid.NewGuid().ToString("N"), 2, hardship: 0))).AssertStatusAsync(201);
        var bookingId = booking.Id();
        await (await provider.PostJsonAsync($"/api/bookings/{bookingId}/confirm", null)).AssertStatusAsync(200);
        var windowId = (await (await school.PostJsonAsync("/api/selection-windows", Window("FirstCome", [new { bookingId }], cap: 1))).AssertStatusAsync(201)).Id();
        var guardian = await GuardianAsync(factory, "school3", Interlocked.Increment(ref _guardians));

        async Task<Guid> ApplyAndApproveAsync()
        {
            var applied = await (await guardian.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", Apply(guardian.PupilId, bookingId)))
                .AssertStatusAsync(201);
            var id = applied.Id();
            await (await school.PostJsonAsync($"/api/selection-windows/{windowId}/applications/{id}/class-review", new { approve = true })).AssertStatusAsync(200);
            await (await school.PostJsonAsync($"/api/selection-windows/{windowId}/applications/{id}/school-review", new { approve = true })).AssertStatusAsync(200);
            return id;
        }

        var application = await ApplyAndApproveAsync();
        var billed = await BillAsync(guardian, b => Fen(b, "billedFen") == 700);
        using var pay = new HttpRequestMessage(HttpMethod.Post, $"/api/bills/{billed.Id()}/payments")
        {
            Content = JsonContent.Create(new { amountFen = 700, reference = "TY-REJOIN-1" }), Headers = { { "Idempotency-Key", "rejoin-pay-0001" } },
        };
        await (await school.SendAsync(pay)).AssertStatusAsync(201);

        (await guardian.Client.DeleteAsync($"/api/selection-windows/{windowId}/applications/{application}")).EnsureSuccessStatusCode();
        var withdrawn = await BillAsync(guardian, b => Fen(b, "refundedFen") == 700);
        Assert.Equal((700, 700, 700, 0), (Fen(withdrawn, "creditedFen"), Fen(withdrawn, "paidFen"), Fen(withdrawn, "refundedFen"), Fen(withdrawn, "balanceFen")));

        var again = await ApplyAndApproveAsync();
        Assert.Equal(application, again); // one application per window and pupil, submitted anew
        var rebilled = await BillAsync(guardian, b => b["lines"]!.AsArray().Count == 2);
        Assert.Equal((1_400, 700, 700, 700, 700), (Fen(rebilled, "billedFen"), Fen(rebilled, "creditedFen"), Fen(rebilled, "paidFen"), Fen(rebilled, "refundedFen"),
            Fen(rebilled, "balanceFen")));
        var lines = rebilled["lines"]!.AsArray();
        Assert.NotNull(lines[0]!["withdrawnOn"]);
        Assert.Equal((700, 700), (Fen(lines[0]!, "amountFen"), Fen(lines[0]!, "creditedFen")));
        Assert.Null(lines[1]!["withdrawnOn"]);
        Assert.Equal((700, 0), (Fen(lines[1]!, "amountFen"), Fen(lines[1]!, "creditedFen")));
        var adjustment = Assert.Single(rebilled["adjustments"]!.AsArray())!;
        Assert.Equal(("Withdrawal", 700L, false), (adjustment["cause"]!.GetValue<string>(), Fen(adjustment, "amountFen"), adjustment["reversal"]!.GetValue<bool>()));

        // The same approval handled 10 more times at once (the outbox's at-least-once): nothing more is billed.
        var billing = factory.Services.GetRequiredService<FamilyBilling>();
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => billing.ApplicationChangedAsync(application))));
        var store = factory.Services.GetRequiredService<IMarketplaceStore>();
        var bill = (await store.FindAsync<FamilyBill>(rebilled.Id()))!;
        Assert.Equal((2, 700L, rebilled["version"]!.GetValue<long>()), (bill.Lines.Count, bill.BalanceFen, bill.Version));
        Assert.Equal([1, 2], bill.Lines.Select(l => l.Enrolment));

        // The ledger: two billing lines, each transaction balanced, the bill's account equal to its balance.
        var postings = (await store.ListLedgerAsync(new LedgerFilter(SchoolId: bill.SchoolId, Limit: 5000)))
            .Where(t => t.BusinessKey.StartsWith($"family-bill:{bill.Id:N}:", StringComparison.Ordinal)).ToList();
        Assert.Equal([LedgerKind.Receipt, LedgerKind.Billing, LedgerKind.Billing, LedgerKind.Credit, LedgerKind.Refund], postings.Select(t => t.Kind).Order());
        Assert.All(postings, t => Assert.Equal(0, t.Entries.Sum(e => e.AmountFen)));
        Assert.Equal(700, postings.SelectMany(t => t.Entries).Where(e => e.Account == Core.Settlement.Accounts.FamilyBill(bill.Id)).Sum(e => e.AmountFen));
    }
}
