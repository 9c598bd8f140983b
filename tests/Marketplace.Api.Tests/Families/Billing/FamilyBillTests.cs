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
/// Issue 18, family bills through the API with DOMAIN.md's figures: 朝阳 sets S ¥3.00 and F ¥3.50 per 课时, insurance ¥1.00 as 代收费
/// (waived for 家庭经济困难 pupils), refunds per day → an 80-minute primary session at ¥12.00 is 2 课时: subsidy 600, family share 600 + 100
/// insurance = 700 per pupil. A first-come window over the booking; 学校复核 bills each placed pupil once; the school records an
/// offline payment; a roll-call absence credits the unpaid bill and refunds the paid one on its original reference; a corrected roll
/// takes back only the credit not yet refunded; every posting balances and the bill's account equals its balance.
/// </summary>
public sealed class FamilyBillTests(RollCallFactory factory) : IClassFixture<RollCallFactory>
{
    private static int _guardians = 9_100;

    private sealed record Placed(HttpClient School, HttpClient Provider, Guid BookingId, Guid WindowId, DateTimeOffset StartsAt, List<(TestGuardian Guardian, Guid Application)> Pupils);

    /// <summary>The policy (hardship waives the insurance too), a confirmed booking of <paramref name="pupils"/> and a first-come window over it, each pupil applied and class-approved.</summary>
    private async Task<Placed> AppliedAsync(int pupils, int hardshipPupils = 0, string rule = "PerDay")
    {
        await FamilyFeePolicy.PutAsync(factory, rule);
        var (provider, sessionId, startsAt) = await SettlementFlowTests.SessionAsync(factory);
        var school = await factory.ClientForAsync("school3");
        var booking = await (await school.SendAsync(SettlementFlowTests.Book(sessionId, Guid.NewGuid().ToString("N"), pupils, hardship: hardshipPupils))).AssertStatusAsync(201);
        var bookingId = booking.Id();
        await (await provider.PostJsonAsync($"/api/bookings/{bookingId}/confirm", null)).AssertStatusAsync(200);
        var window = await (await school.PostJsonAsync("/api/selection-windows", Window("FirstCome", [new { bookingId }], cap: 1))).AssertStatusAsync(201);
        var placed = new Placed(school, provider, bookingId, window.Id(), startsAt, []);
        for (var i = 0; i < pupils; i++)
        {
            var guardian = await GuardianAsync(factory, "school3", Interlocked.Increment(ref _guardians), hardship: i < hardshipPupils);
            var applied = await (await guardian.Client.PostJsonAsync($"/api/selection-windows/{placed.WindowId}/applications", Apply(guardian.PupilId, bookingId)))
                .AssertStatusAsync(201);
            await (await school.PostJsonAsync($"/api/selection-windows/{placed.WindowId}/applications/{applied.Id()}/class-review", new { approve = true }))
                .AssertStatusAsync(200);
            placed.Pupils.Add((guardian, applied.Id()));
        }
        return placed;
    }

    private static Task<HttpResponseMessage> SchoolReview(Placed p, Guid application) =>
        p.School.PostJsonAsync($"/api/selection-windows/{p.WindowId}/applications/{application}/school-review", new { approve = true });

    /// <summary>The child's single bill once <paramref name="until"/> holds (the outbox bills within moments; at most 15 s).</summary>
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

    private static long Fen(JsonNode n, string field) => n[field]!.GetValue<long>();

    private async Task<List<LedgerTransaction>> PostingsAsync(Guid billId)
    {
        var store = factory.Services.GetRequiredService<IMarketplaceStore>();
        var bill = (await store.FindAsync<FamilyBill>(billId))!;
        return [.. (await store.ListLedgerAsync(new LedgerFilter(SchoolId: bill.SchoolId, Limit: 5000))).Where(t => t.BusinessKey.StartsWith($"family-bill:{billId:N}:", StringComparison.Ordinal))];
    }

    [Fact]
    public async Task SchoolApproval_BillsTheFamilyShareOnce_AndWaivesHardship()
    {
        var p = await AppliedAsync(pupils: 2, hardshipPupils: 1);
        foreach (var (_, application) in p.Pupils) await (await SchoolReview(p, application)).AssertStatusAsync(200);

        var hardship = await BillAsync(p.Pupils[0].Guardian, b => b["lines"]!.AsArray().Count == 1);
        var line = hardship["lines"]![0]!;
        Assert.Equal((600, 100, 700, 0), (Fen(line, "serviceFeeFen"), Fen(line, "collectedFeeFen"), Fen(line, "waivedFen"), Fen(line, "amountFen")));
        Assert.Equal("hardship", line["waiverReason"]!.GetValue<string>());
        Assert.Equal(0, Fen(hardship, "balanceFen"));
        Assert.Empty(await PostingsAsync(hardship.Id())); // nothing owed, nothing posted

        var paying = await BillAsync(p.Pupils[1].Guardian, b => b["lines"]!.AsArray().Count == 1);
        line = paying["lines"]![0]!;
        Assert.Equal((600, 100, 0, 700), (Fen(line, "serviceFeeFen"), Fen(line, "collectedFeeFen"), Fen(line, "waivedFen"), Fen(line, "amountFen")));
        Assert.Null(line["waiverReason"]);
        Assert.Equal("少儿天文科普", line["title"]!.GetValue<string>());
        Assert.Equal((700, 700), (Fen(paying, "billedFen"), Fen(paying, "balanceFen")));
        var posted = Assert.Single(await PostingsAsync(paying.Id()));
        Assert.Equal(LedgerKind.Billing, posted.Kind);
        Assert.Equal(0, posted.Entries.Sum(e => e.AmountFen));
        Assert.Equal(700, posted.Entries.Single(e => e.Account == Core.Settlement.Accounts.FamilyBill(paying.Id())).AmountFen);
    }

    [Fact]
    public async Task ParallelApprovalsAndReplays_BillOnce()
    {
        var p = await AppliedAsync(pupils: 1);
        var application = p.Pupils[0].Application;
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => SchoolReview(p, application)));
        Assert.Equal(1, answers.Count(a => a.StatusCode == System.Net.HttpStatusCode.OK));
        Assert.All(answers.Where(a => a.StatusCode != System.Net.HttpStatusCode.OK), a => Assert.Equal(System.Net.HttpStatusCode.Conflict, a.StatusCode));
        var bill = await BillAsync(p.Pupils[0].Guardian, b => b["lines"]!.AsArray().Count == 1);

        // The outbox delivers at least once: the same step handled 12 more times at once bills nothing more.
        var billing = factory.Services.GetRequiredService<FamilyBilling>();
        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => billing.ApplicationChangedAsync(application))));
        var again = await BillAsync(p.Pupils[0].Guardian, _ => true);
        Assert.Single(again["lines"]!.AsArray());
        Assert.Equal(700, Fen(again, "billedFen"));
        Assert.Equal(bill["version"]!.GetValue<long>(), again["version"]!.GetValue<long>());
        Assert.Single(await PostingsAsync(bill.Id()));
    }

    [Fact]
    public async Task Absence_CreditsTheUnpaidBill_RefundsThePaidOne_AndACorrectionTakesBackOnlyWhatWasNotRefunded()
    {
        var p = await AppliedAsync(pupils: 2);
        foreach (var (_, application) in p.Pupils) await (await SchoolReview(p, application)).AssertStatusAsync(200);
        var (paid, unpaid) = (p.Pupils[0].Guardian, p.Pupils[1].Guardian);
        var paidBill = await BillAsync(paid, b => Fen(b, "billedFen") == 700);
        var unpaidBill = await BillAsync(unpaid, b => Fen(b, "billedFen") == 700);

        // The school records the family's unified-payment reference; the same key again is the same payment, a different body 422.
        HttpRequestMessage Pay(object body, string key) => new(HttpMethod.Post, $"/api/bills/{paidBill.Id()}/payments")
        {
            Content = JsonContent.Create(body), Headers = { { "Idempotency-Key", key } },
        };
        var recorded = await (await p.School.SendAsync(Pay(new { amountFen = 700, reference = "TY-2026-0001" }, "pay-key-0001"))).AssertStatusAsync(201);
        Assert.Equal((700, 0), (Fen(recorded, "paidFen"), Fen(recorded, "balanceFen")));
        await (await p.School.SendAsync(Pay(new { amountFen = 700, reference = "TY-2026-0001" }, "pay-key-0001"))).AssertStatusAsync(200);
        await (await p.School.SendAsync(Pay(new { amountFen = 600, reference = "TY-2026-0001" }, "pay-key-0001"))).AssertProblemAsync(422);
        var above = await (await p.School.SendAsync(Pay(new { amountFen = 1, reference = "TY-2026-0002" }, "pay-key-0002"))).AssertProblemAsync(409);
        Assert.Equal("bill-payment-above-owed", above["code"]!.GetValue<string>());

        // Roll call: both absent. PerDay over one service day credits the whole 700: the unpaid bill drops to 0, the paid one is refunded.
        factory.Clock.SetUtcNow(p.StartsAt.AddMinutes(81));
        var roll = $"/api/bookings/{p.BookingId}/roll-call";
        await (await p.School.PutAsJsonAsync(roll, RollCallClass.Marks((paid.PupilId, false), (unpaid.PupilId, false)))).AssertStatusAsync(200);
        var refunded = await BillAsync(paid, b => Fen(b, "refundedFen") == 700);
        Assert.Equal((700, 700, 0), (Fen(refunded, "creditedFen"), Fen(refunded, "paidFen"), Fen(refunded, "balanceFen")));
        var refund = refunded["refunds"]![0]!;
        Assert.Equal(("offline", "TY-2026-0001"), (refund["method"]!.GetValue<string>(), refund["originalReference"]!.GetValue<string>()));
        Assert.Equal("Absence", refunded["adjustments"]![0]!["cause"]!.GetValue<string>());
        var credited = await BillAsync(unpaid, b => Fen(b, "creditedFen") == 700);
        Assert.Equal((0, 0), (Fen(credited, "balanceFen"), Fen(credited, "refundedFen")));
        Assert.Single(credited["lines"]![0]!["absentDays"]!.AsArray());

        // The roll taken again the same way: nothing moves. Then corrected (absent → present): the unpaid bill's credit comes back
        // off; the refund already paid out stays.
        await (await p.Provider.PutAsJsonAsync(roll, RollCallClass.Marks((paid.PupilId, false)))).AssertStatusAsync(200);
        await (await p.School.PutAsJsonAsync(roll, RollCallClass.Marks((paid.PupilId, true), (unpaid.PupilId, true)))).AssertStatusAsync(200);
        var reversed = await BillAsync(unpaid, b => Fen(b, "creditedFen") == 0);
        Assert.Equal(700, Fen(reversed, "balanceFen"));
        Assert.True(reversed["adjustments"]![1]!["reversal"]!.GetValue<bool>());
        var kept = await BillAsync(paid, b => b["lines"]![0]!["absentDays"]!.AsArray().Count == 0);
        Assert.Equal((700, 700, 0), (Fen(kept, "creditedFen"), Fen(kept, "refundedFen"), Fen(kept, "balanceFen")));
        Assert.Single(kept["refunds"]!.AsArray());

        // The ledger: every transaction balances, and each bill's account sums to its balance.
        foreach (var bill in new[] { kept, reversed })
        {
            var postings = await PostingsAsync(bill.Id());
            Assert.All(postings, t => Assert.Equal(0, t.Entries.Sum(e => e.AmountFen)));
            Assert.Equal(Fen(bill, "balanceFen"), postings.SelectMany(t => t.Entries).Where(e => e.Account == Core.Settlement.Accounts.FamilyBill(bill.Id())).Sum(e => e.AmountFen));
        }
        var paidPostings = await PostingsAsync(kept.Id());
        Assert.Equal([LedgerKind.Receipt, LedgerKind.Billing, LedgerKind.Credit, LedgerKind.Refund], paidPostings.Select(t => t.Kind).Order());
        var schoolId = await factory.OrganizationOfAsync("school3");
        Assert.Equal(0, paidPostings.SelectMany(t => t.Entries).Where(e => e.Account == Core.Settlement.Accounts.Cash(schoolId)).Sum(e => e.AmountFen)); // 700 in, 700 back
    }

    [Fact]
    public async Task Withdrawal_AfterBilling_CreditsTheDaysNotYetHeld()
    {
        var p = await AppliedAsync(pupils: 1);
        await (await SchoolReview(p, p.Pupils[0].Application)).AssertStatusAsync(200);
        var g = p.Pupils[0].Guardian;
        await BillAsync(g, b => Fen(b, "billedFen") == 700);
        (await g.Client.DeleteAsync($"/api/selection-windows/{p.WindowId}/applications/{p.Pupils[0].Application}")).EnsureSuccessStatusCode();
        var bill = await BillAsync(g, b => Fen(b, "creditedFen") == 700);
        Assert.Equal(0, Fen(bill, "balanceFen"));
        Assert.Equal("Withdrawal", bill["adjustments"]![0]!["cause"]!.GetValue<string>());
        Assert.NotNull(bill["lines"]![0]!["withdrawnOn"]);
    }

    [Fact]
    public async Task Bills_AreTheirGuardiansAndSchools_AndBadInputNamesTheField()
    {
        var p = await AppliedAsync(pupils: 1);
        await (await SchoolReview(p, p.Pupils[0].Application)).AssertStatusAsync(200);
        var bill = await BillAsync(p.Pupils[0].Guardian, b => Fen(b, "billedFen") == 700);
        var stranger = await GuardianAsync(factory, "school3", Interlocked.Increment(ref _guardians));
        await (await stranger.Client.GetAsync($"/api/guardian/children/{p.Pupils[0].Guardian.PupilId}/bills")).AssertProblemAsync(404);
        await (await p.Provider.GetAsync($"/api/guardian/children/{p.Pupils[0].Guardian.PupilId}/bills")).AssertProblemAsync(403);
        await (await p.Provider.GetAsync("/api/bills")).AssertProblemAsync(403);
        await (await (await factory.ClientForAsync("school1")).GetAsync($"/api/bills/{bill.Id()}")).AssertProblemAsync(404);

        var listed = (await p.School.GetJsonAsync($"/api/bills?windowId={p.WindowId}&unpaid=true")).AsArray();
        Assert.Equal(bill.Id(), Assert.Single(listed)!.Id());
        Assert.Empty((await p.School.GetJsonAsync($"/api/bills?windowId={p.WindowId}&className=9班")).AsArray());
        var badQuery = await (await p.School.GetAsync("/api/bills?limit=0&unpaid=maybe")).AssertProblemAsync(400);
        Assert.NotNull(badQuery["errors"]!["limit"]);
        Assert.NotNull(badQuery["errors"]!["unpaid"]);

        var bad = await (await p.School.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/bills/{bill.Id()}/payments")
        {
            Content = JsonContent.Create(new { amountFen = 0, method = "cash", reference = "" }), Headers = { { "Idempotency-Key", "bad-input-1" } },
        })).AssertProblemAsync(400);
        Assert.NotNull(bad["errors"]!["amountFen"]);
        Assert.NotNull(bad["errors"]!["method"]);
        Assert.NotNull(bad["errors"]!["reference"]);
        var noKey = await (await p.School.PostJsonAsync($"/api/bills/{bill.Id()}/payments", new { amountFen = 100, reference = "X-1" })).AssertProblemAsync(400);
        Assert.NotNull(noKey["errors"]!["Idempotency-Key"]);

        var policy = await (await (await factory.ClientForAsync("bureau-110105")).PutAsJsonAsync("/api/districts/110105/funding-policy", new
        {
            semester = Semester.Of(DateTimeOffset.UtcNow).Name, subsidyFen = 300, subsidyUnit = "PerLesson", refundRule = new { unit = "PercentWithin", percent = 0, withinMonths = 13 },
        })).AssertProblemAsync(400);
        Assert.NotNull(policy["errors"]!["refundRule.percent"]);
        Assert.NotNull(policy["errors"]!["refundRule.withinMonths"]);
    }
}
