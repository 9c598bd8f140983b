using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Bookings;
using Marketplace.Core.Schools;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Marketplace.Api.Tests.Settlement;

/// <summary>
/// The demo host whose booking, delivery and payment use cases read a clock the test moves (sign-in keeps real time), so a
/// session can be "delivered" and a dispute window can run out.
/// </summary>
public class SettlementClockFactory : MarketplaceFactory
{
    public SettlementClockFactory() : this(new Dictionary<string, string?>()) { }

    protected SettlementClockFactory(IDictionary<string, string?> settings) : base(settings) { }

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<BookingCommands>(sp, (TimeProvider)Clock));
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<DeliveryCommands>(sp, (TimeProvider)Clock));
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<PaymentCommands>(sp, (TimeProvider)Clock));
        });
    }
}

/// <summary>
/// Issue 15 end to end through the API, with DOMAIN.md's worked example: 朝阳's bureau sets S ¥3.00 and F ¥3.50 per 课时 with
/// insurance ¥1.00 as 代收费 → an 80-minute primary session at ¥12.00 for 30 pupils (2 家庭经济困难) is quoted 39,000 fen =
/// 18,000 subsidy + 16,800 family fees + 1,200 waived + 3,000 collected → 27 attend → the provider is owed 32,400, and is paid.
/// </summary>
public sealed class SettlementFlowTests(SettlementClockFactory factory) : IClassFixture<SettlementClockFactory>
{
    private static readonly string Semester = Core.Schools.Semester.Of(DateTimeOffset.UtcNow).Name;

    internal static object Policy(long subsidy = 300, long? familyCap = 350, long? providerCap = null, int disputeDays = 7) => new
    {
        semester = Semester, subsidyFen = subsidy, subsidyUnit = "PerLesson", familyCapFen = familyCap, familyCapUnit = "PerLesson",
        providerPriceCapFen = providerCap, collectedFees = new[] { new { kind = "Insurance", maxFen = 100 } }, disputeDays,
    };

    private Task<HttpClient> PolicySetAsync() => PolicySetAsync(factory);

    internal static async Task<HttpClient> PolicySetAsync(SettlementClockFactory factory)
    {
        var bureau = await factory.ClientForAsync("bureau-110105");
        await (await bureau.PutAsJsonAsync("/api/districts/110105/funding-policy", Policy())).AssertStatusAsync(200);
        return bureau;
    }

    /// <summary>An on-campus offering of provider1 for 朝阳 only: 80-minute sessions at ¥12.00 with ¥1.00 insurance; one session 72 h ahead.</summary>
    private Task<(HttpClient Provider, Guid SessionId, DateTimeOffset Start)> SessionAsync(long priceFen = 1200) => SessionAsync(factory, priceFen);

    internal static async Task<(HttpClient Provider, Guid SessionId, DateTimeOffset Start)> SessionAsync(SettlementClockFactory factory, long priceFen = 1200)
    {
        var provider = await factory.ClientForAsync("provider1");
        var body = new
        {
            title = "少儿天文科普", summary = "认识星空与望远镜", category = "Science", mode = "OnCampus", grades = new[] { 3, 4 }, minGroup = 1, maxGroup = 40,
            durationMinutes = 80, priceFen, districts = new[] { "110105" }, collectedFees = new[] { new { kind = "Insurance", amountFen = 100 } },
        };
        var id = (await (await provider.PostJsonAsync("/api/offerings", body)).AssertStatusAsync(201))["id"]!.GetValue<Guid>();
        (await provider.PostJsonAsync($"/api/offerings/{id}/submit", null)).EnsureSuccessStatusCode();
        (await (await factory.ClientForAsync("bureau-110105")).PostJsonAsync($"/api/offerings/{id}/approve", null)).EnsureSuccessStatusCode();
        var start = Demo.SchoolDay(factory.Clock.GetUtcNow().AddHours(72));
        var sessions = await (await provider.PostJsonAsync($"/api/offerings/{id}/sessions", new { startsAt = start, endsAt = start.AddMinutes(80), capacity = 40 })).AssertStatusAsync(201);
        return (provider, sessions.AsArray()[0]!["id"]!.GetValue<Guid>(), start);
    }

    internal static HttpRequestMessage Book(Guid sessionId, string key, int pupils = 30, int hardship = 2) => new(HttpMethod.Post, "/api/bookings")
    {
        Content = JsonContent.Create(new { sessionId, pupils, grades = new[] { 3 }, contactName = "李老师", contactPhone = "13900001111", hardshipPupils = hardship }),
        Headers = { { "Idempotency-Key", key } },
    };

    /// <summary>Booked by school3 (朝阳), confirmed, delivered with <paramref name="attended"/>: the clock moves past the session.</summary>
    private Task<(HttpClient School, HttpClient Provider, Guid BookingId)> DeliveredAsync(string key, int attended, string school = "school3") =>
        DeliveredAsync(factory, key, attended, school);

    internal static async Task<(HttpClient School, HttpClient Provider, Guid BookingId)> DeliveredAsync(
        SettlementClockFactory factory, string key, int attended, string schoolUser = "school3")
    {
        await PolicySetAsync(factory);
        var (provider, sessionId, start) = await SessionAsync(factory);
        var school = await factory.ClientForAsync(schoolUser);
        var booking = await (await school.SendAsync(Book(sessionId, key))).AssertStatusAsync(201);
        var id = booking["id"]!.GetValue<Guid>();
        await (await provider.PostJsonAsync($"/api/bookings/{id}/confirm", null)).AssertStatusAsync(200);
        if (factory.Clock.GetUtcNow() < start.AddMinutes(81)) factory.Clock.SetUtcNow(start.AddMinutes(81));
        await (await provider.PostJsonAsync($"/api/bookings/{id}/complete", new { attended })).AssertStatusAsync(200);
        return (school, provider, id);
    }

    [Fact]
    public async Task TheWorkedExample_QuotedSettledAndPaid_AndTheLedgerBalances()
    {
        await PolicySetAsync();
        var (provider, sessionId, start) = await SessionAsync();
        var school = await factory.ClientForAsync("school3");

        // The dry run and the booking carry the same quote, computed from the policy.
        var quote = await (await school.PostJsonAsync("/api/bookings/quote",
            new { sessionId, pupils = 30, grades = new[] { 3 }, hardshipPupils = 2 })).AssertStatusAsync(200);
        Assert.Equal(4, quote["lessonHalves"]!.GetValue<int>());
        Assert.Equal(39_000, quote["totalFen"]!.GetValue<long>());
        Assert.Equal(36_000, quote["lessonFeeFen"]!.GetValue<long>());
        Assert.Equal(18_000, quote["subsidyFen"]!.GetValue<long>());
        Assert.Equal(16_800, quote["familyFeeFen"]!.GetValue<long>());
        Assert.Equal(1_200, quote["waivedFen"]!.GetValue<long>());
        Assert.Equal(3_000, quote["collectedFeesFen"]!.GetValue<long>());
        var booking = await (await school.SendAsync(Book(sessionId, "worked-example-1"))).AssertStatusAsync(201);
        Assert.Equal(quote.ToJsonString(), booking["quote"]!.ToJsonString());
        var id = booking["id"]!.GetValue<Guid>();

        await (await provider.PostJsonAsync($"/api/bookings/{id}/confirm", null)).AssertStatusAsync(200);
        factory.Clock.SetUtcNow(start.AddMinutes(81));
        await (await provider.PostJsonAsync($"/api/bookings/{id}/complete", new { attended = 27 })).AssertStatusAsync(200);
        var confirmed = await (await school.PostJsonAsync($"/api/bookings/{id}/delivery/confirm", new { absentHardship = 0 })).AssertStatusAsync(200);
        Assert.Equal("Confirmed", confirmed["delivery"]!["status"]!.GetValue<string>());
        // Confirming twice is refused: it is settled.
        await (await school.PostJsonAsync($"/api/bookings/{id}/delivery/confirm", null)).AssertProblemAsync(409);

        var month = ChinaMonth(factory.Clock.GetUtcNow());
        var statement = await provider.GetJsonAsync($"/api/statements?month={month}");
        Assert.Equal("Provider", statement["party"]!.GetValue<string>());
        Assert.True(statement["summary"]!["deliveredFen"]!.GetValue<long>() >= 32_400);
        var outstanding = statement["summary"]!["outstandingFen"]!.GetValue<long>();

        // The school pays what is owed for this booking, recorded offline; a second payment would be more than is owed.
        var pay = new HttpRequestMessage(HttpMethod.Post, $"/api/bookings/{id}/payments")
        {
            Content = JsonContent.Create(new { method = "offline", reference = "ICBC-20261203-0001" }), Headers = { { "Idempotency-Key", "pay-worked-example" } },
        };
        var payment = await (await school.SendAsync(pay)).AssertStatusAsync(201);
        Assert.Equal(32_400, payment["amountFen"]!.GetValue<long>());
        Assert.Equal("Succeeded", payment["state"]!.GetValue<string>());
        var after = await provider.GetJsonAsync($"/api/statements?month={month}");
        Assert.Equal(outstanding - 32_400, after["summary"]!["outstandingFen"]!.GetValue<long>());

        // Every transaction balances, and so does the district's whole ledger (read page by page by its bureau).
        var bureau = await factory.ClientForAsync("bureau-110105");
        long trial = 0;
        string? afterId = null;
        do
        {
            var page = (await bureau.GetJsonAsync("/api/ledger?limit=500" + (afterId is null ? "" : $"&after={afterId}"))).AsArray();
            foreach (var tx in page)
            {
                var sum = tx!["entries"]!.AsArray().Sum(e => e!["amountFen"]!.GetValue<long>());
                Assert.Equal(0, sum);
                trial += sum;
            }
            afterId = page.Count == 500 ? page[^1]!["id"]!.GetValue<string>() : null;
        }
        while (afterId is not null);
        Assert.Equal(0, trial);

        // The booking's settlement, account by account (DOMAIN.md): provider 32,400; 3 absent paying pupils: subsidy 1,800 back,
        // each family 600 + 100 unused insurance; collected used 27 × 100.
        var ledger = (await school.GetJsonAsync("/api/ledger?limit=500")).AsArray();
        var settlement = ledger.Single(t => t!["businessKey"]!.GetValue<string>() == $"settlement:{id:N}")!;
        long Entry(string prefix) => settlement["entries"]!.AsArray().Where(e => e!["account"]!.GetValue<string>().StartsWith(prefix, StringComparison.Ordinal))
            .Sum(e => e!["amountFen"]!.GetValue<long>());
        Assert.Equal(-32_400, Entry("provider-payable:"));
        Assert.Equal(-1_800, Entry("bureau-subsidy:"));
        Assert.Equal(-2_100, Entry("family-receivable:"));
        Assert.Equal(-2_700, Entry("collected-payable:"));
        Assert.Equal(39_000, Entry("clearing:"));
    }

    [Fact]
    public async Task PolicyWrites_AreTheDistrictBureausAlone_AndBadInputNamesEveryField()
    {
        var other = await factory.ClientForAsync("bureau-110101");
        await (await other.PutAsJsonAsync("/api/districts/110105/funding-policy", Policy())).AssertProblemAsync(403);
        var school = await factory.ClientForAsync("school3");
        await (await school.PutAsJsonAsync("/api/districts/110105/funding-policy", Policy())).AssertProblemAsync(403);
        var city = await factory.ClientForAsync("city-1101");
        await (await city.PutAsJsonAsync("/api/districts/110105/funding-policy", Policy())).AssertProblemAsync(403);

        var bureau = await factory.ClientForAsync("bureau-110105");
        var bad = await (await bureau.PutAsJsonAsync("/api/districts/110105/funding-policy", new
        {
            semester = "2026-2028-3", subsidyFen = -1, subsidyUnit = "PerLesson", disputeDays = 0,
            collectedFees = new[] { new { kind = "Insurance", maxFen = 100 }, new { kind = "Insurance", maxFen = 50 } },
        })).AssertProblemAsync(400);
        foreach (var field in new[] { "semester", "subsidyFen", "disputeDays", "collectedFees" })
            Assert.True(bad["errors"]![field] is not null, $"no error for {field}: {bad.ToJsonString()}");

        // A district without a policy reads as "no policy"; a set one has its revisions, each PUT one more.
        var none = await school.GetJsonAsync($"/api/districts/110108/funding-policy?semester={Semester}");
        Assert.Null(none["inForce"]);
        await (await bureau.PutAsJsonAsync("/api/districts/110105/funding-policy", Policy())).AssertStatusAsync(200);
        var revised = await (await bureau.PutAsJsonAsync("/api/districts/110105/funding-policy", Policy(subsidy: 250))).AssertStatusAsync(200);
        Assert.True(revised["revisions"]!.AsArray().Count >= 2);
        Assert.Equal(250, revised["inForce"]!["terms"]!["subsidyFen"]!.GetValue<long>());
        var read = await city.GetJsonAsync("/api/districts/110105/funding-policy");
        Assert.Equal(250, read["inForce"]!["terms"]!["subsidyFen"]!.GetValue<long>());
        await (await bureau.PutAsJsonAsync("/api/districts/110105/funding-policy", Policy())).AssertStatusAsync(200);
    }

    [Fact]
    public async Task ARuralSchool_IsHeldToTheRuralFamilyCap_AnUrbanOneToTheDistrictCap()
    {
        var bureau = await factory.ClientForAsync("bureau-110105");
        // A rural cap without the district's cap is refused: urban schools would have none.
        await (await bureau.PutAsJsonAsync("/api/districts/110105/funding-policy", new
        {
            semester = Semester, subsidyFen = 300, subsidyUnit = "PerLesson", familyCapRuralFen = 250, familyCapUnit = "PerLesson",
        })).AssertProblemAsync(400, "familyCapFen");
        var set = await (await bureau.PutAsJsonAsync("/api/districts/110105/funding-policy", new
        {
            semester = Semester, subsidyFen = 300, subsidyUnit = "PerLesson", familyCapFen = 350, familyCapRuralFen = 250, familyCapUnit = "PerLesson",
            collectedFees = new[] { new { kind = "Insurance", maxFen = 100 } },
        })).AssertStatusAsync(200);
        Assert.Equal(250, set["inForce"]!["terms"]!["familyCapRuralFen"]!.GetValue<long>());
        try
        {
            // ¥12.00 for 2 课时: subsidy ¥6.00, family share ¥6.00 — within 朝阳's ¥3.50 × 2, above the rural ¥2.50 × 2.
            var (_, sessionId, _) = await SessionAsync();
            var request = new { sessionId, pupils = 20, grades = new[] { 3 }, hardshipPupils = 0 };
            var urban = await (await (await factory.ClientForAsync("school3")).PostJsonAsync("/api/bookings/quote", request)).AssertStatusAsync(200);
            Assert.Equal(12_000, urban["familyFeeFen"]!.GetValue<long>());
            var rural = await factory.ClientForAsync("school27"); // 朝阳, 农村 in the demo roster
            var refused = await (await rural.PostJsonAsync("/api/bookings/quote", request)).AssertProblemAsync(409);
            Assert.Equal("family-cap-exceeded", refused["code"]!.GetValue<string>());
            Assert.Equal(250, refused["capFen"]!.GetValue<long>());
            Assert.Equal(500, refused["limitFen"]!.GetValue<long>());
            var schools = await bureau.GetJsonAsync("/api/schools?district=110105&limit=100");
            Assert.Contains(schools.AsArray(), s => s!["area"]?.GetValue<string>() == "Rural");
        }
        finally
        {
            await (await bureau.PutAsJsonAsync("/api/districts/110105/funding-policy", Policy())).AssertStatusAsync(200);
        }
    }

    [Fact]
    public async Task AnOfferingPricedAboveACap_IsRefused_NamingTheCap()
    {
        var bureau = await factory.ClientForAsync("bureau-110105");
        await (await bureau.PutAsJsonAsync("/api/districts/110105/funding-policy", Policy(providerCap: 500))).AssertStatusAsync(200);
        try
        {
            var provider = await factory.ClientForAsync("provider1");
            var body = new
            {
                title = "少儿编程进阶", summary = "图形化编程", category = "Science", mode = "OnCampus", grades = new[] { 3 }, minGroup = 1, maxGroup = 40,
                durationMinutes = 80, priceFen = 1200, districts = new[] { "110105" },
            };
            var problem = await (await provider.PostJsonAsync("/api/offerings", body)).AssertProblemAsync(400, "priceFen");
            Assert.Contains("朝阳区", problem["errors"]!["priceFen"]![0]!.GetValue<string>());
            Assert.Contains("5.00", problem["errors"]!["priceFen"]![0]!.GetValue<string>());
            // Within the cap (¥5.00 × 2 课时 = ¥10.00): accepted.
            await (await provider.PostJsonAsync("/api/offerings", body with { priceFen = 1000 })).AssertStatusAsync(201);
        }
        finally
        {
            await (await bureau.PutAsJsonAsync("/api/districts/110105/funding-policy", Policy())).AssertStatusAsync(200);
        }
    }

    [Fact]
    public async Task ADisputedDelivery_IsDecidedByTheBureau_AndSettledOnItsFigure()
    {
        var (school, provider, id) = await DeliveredAsync("dispute-flow-01", attended: 30);
        var disputed = await (await school.PostJsonAsync($"/api/bookings/{id}/delivery/dispute", new { reason = "实到 25 人，非 30 人", claimedAttended = 25 })).AssertStatusAsync(200);
        Assert.Equal("Disputed", disputed["delivery"]!["status"]!.GetValue<string>());
        // The bureau's list of disputes to decide has it; another district's bureau's has not; a school may not ask.
        var queries = factory.Services.GetRequiredService<BookingQueries>();
        Caller BureauOf(string district) => new(Guid.NewGuid(), $"bureau-{district}", Role.Bureau, Guid.NewGuid(), [district]);
        Assert.Contains(await queries.ListDisputedAsync(BureauOf("110105"), 50), b => b.Id == id);
        Assert.DoesNotContain(await queries.ListDisputedAsync(BureauOf("110101"), 50), b => b.Id == id);
        await Assert.ThrowsAsync<ForbiddenException>(() => queries.ListDisputedAsync(new Caller(Guid.NewGuid(), "school3", Role.School, Guid.NewGuid(), []), 50));
        Assert.DoesNotContain((await school.GetJsonAsync("/api/ledger?limit=500")).AsArray(), t => t!["businessKey"]!.GetValue<string>() == $"settlement:{id:N}");
        // Only the district's bureau decides.
        // Another district's bureau does not see the booking at all.
        await (await (await factory.ClientForAsync("bureau-110101")).PostJsonAsync($"/api/bookings/{id}/delivery/resolve", new { attended = 25, note = "x" })).AssertProblemAsync(404);
        await (await provider.PostJsonAsync($"/api/bookings/{id}/delivery/resolve", new { attended = 25, note = "x" })).AssertProblemAsync(403);
        var bureau = await factory.ClientForAsync("bureau-110105");
        await (await bureau.PostJsonAsync($"/api/bookings/{id}/delivery/resolve", new { note = "核对签到表" })).AssertProblemAsync(400, "attended");
        var resolved = await (await bureau.PostJsonAsync($"/api/bookings/{id}/delivery/resolve", new { attended = 25, note = "核对签到表：25 人" })).AssertStatusAsync(200);
        Assert.Equal("Resolved", resolved["delivery"]!["status"]!.GetValue<string>());
        Assert.DoesNotContain(await queries.ListDisputedAsync(BureauOf("110105"), 50), b => b.Id == id);
        var settlement = (await school.GetJsonAsync("/api/ledger?limit=500")).AsArray().Single(t => t!["businessKey"]!.GetValue<string>() == $"settlement:{id:N}")!;
        Assert.Equal(-25 * 1200, settlement["entries"]!.AsArray().Where(e => e!["account"]!.GetValue<string>().StartsWith("provider-payable:", StringComparison.Ordinal))
            .Sum(e => e!["amountFen"]!.GetValue<long>()));
    }

    [Fact]
    public async Task SilenceConfirms_AfterThePolicysDays()
    {
        var (school, _, id) = await DeliveredAsync("silence-flow-01", attended: 28);
        var delivery = (await school.GetJsonAsync($"/api/bookings/{id}"))["delivery"]!;
        Assert.Equal("Recorded", delivery["status"]!.GetValue<string>());
        factory.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        await (await school.PostJsonAsync($"/api/bookings/{id}/delivery/dispute", new { reason = "太晚了" })).AssertProblemAsync(409);
        using var scope = factory.Services.CreateScope();
        var confirmed = await scope.ServiceProvider.GetRequiredService<DeliveryCommands>().ConfirmOverdueAsync();
        Assert.True(confirmed >= 1);
        Assert.Equal("Confirmed", (await school.GetJsonAsync($"/api/bookings/{id}"))["delivery"]!["status"]!.GetValue<string>());
        Assert.Contains((await school.GetJsonAsync("/api/ledger?limit=500")).AsArray(), t => t!["businessKey"]!.GetValue<string>() == $"settlement:{id:N}");
    }

    [Fact]
    public async Task TwoPaymentsOfTheWholeAmountAtOnce_OnlyOneIsAccepted()
    {
        // school27 (朝阳) pays provider1 for the first time: even the position both payments update is created by one of them.
        var (school, _, id) = await DeliveredAsync("parallel-pay-01", attended: 30, "school27");
        await (await school.PostJsonAsync($"/api/bookings/{id}/delivery/confirm", null)).AssertStatusAsync(200);
        var providerId = await factory.OrganizationOfAsync("provider1");
        // Whatever is owed now, all of it, twice in parallel with different keys.
        using var scope = factory.Services.CreateScope();
        var schoolId = await factory.OrganizationOfAsync("school27");
        var (available, _) = await scope.ServiceProvider.GetRequiredService<PaymentCommands>().AvailableAsync(providerId, schoolId);
        Assert.True(available >= 36_000);
        var responses = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => school.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/payments")
        {
            Content = JsonContent.Create(new { providerId, amountFen = available, method = "offline", reference = $"BOC-parallel-{i}" }),
            Headers = { { "Idempotency-Key", $"parallel-payment-{i}" } },
        })));
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
        var refused = await responses.Single(r => r.StatusCode == HttpStatusCode.Conflict).ReadJsonAsync();
        Assert.Equal("payment-above-owed", refused["code"]!.GetValue<string>());
        var (left, _) = await scope.ServiceProvider.GetRequiredService<PaymentCommands>().AvailableAsync(providerId, schoolId);
        Assert.Equal(0, left);
    }

    [Fact]
    public async Task Statements_AreScoped_AndExportAsCsvAndXlsx()
    {
        var (school, provider, id) = await DeliveredAsync("scoped-statements-1", attended: 30);
        await (await school.PostJsonAsync($"/api/bookings/{id}/delivery/confirm", null)).AssertStatusAsync(200);
        var month = ChinaMonth(factory.Clock.GetUtcNow());

        var other = await factory.ClientForAsync("school4"); // 海淀: none of this
        Assert.Empty((await other.GetJsonAsync($"/api/statements?month={month}"))["lines"]!.AsArray());
        Assert.Empty((await other.GetJsonAsync("/api/ledger")).AsArray());
        var provider2 = await factory.ClientForAsync("provider2");
        Assert.Equal(0, (await provider2.GetJsonAsync($"/api/statements?month={month}"))["summary"]!["deliveredFen"]!.GetValue<long>());
        await (await school.GetAsync($"/api/statements?month={month}&district=110105")).AssertProblemAsync(400, "district");
        await (await (await factory.ClientForAsync("bureau-110101")).GetAsync($"/api/statements?month={month}&district=110105")).AssertProblemAsync(403);
        await (await (await factory.ClientForAsync("admin")).GetAsync($"/api/statements?month={month}")).AssertProblemAsync(403);
        var city = await factory.ClientForAsync("city-1101");
        Assert.True((await city.GetJsonAsync($"/api/statements?month={month}&district=110105"))["summary"]!["deliveredFen"]!.GetValue<long>() >= 36_000);
        await (await school.GetAsync("/api/statements?month=2026-13")).AssertProblemAsync(400, "month");

        var csv = await provider.GetAsync($"/api/statements?month={month}&format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var text = await csv.Content.ReadAsStringAsync();
        Assert.Contains("科目", text);
        Assert.Contains("provider-payable:", text);
        // Whom each account is about, by name beside its id: the school and the provider it owes; for the bureau, the district too.
        var view = await school.GetJsonAsync($"/api/bookings/{id}");
        Assert.Contains($"{view["schoolName"]} → {view["providerName"]}", text);
        var bureauCsv = await (await (await factory.ClientForAsync("bureau-110105")).GetAsync($"/api/statements?month={month}&format=csv")).Content.ReadAsStringAsync();
        Assert.Contains("单位", bureauCsv);
        Assert.Contains(view["districtName"]!.GetValue<string>(), bureauCsv);
        Assert.Contains($"{view["schoolName"]} → {view["providerName"]}", bureauCsv);
        var xlsx = await provider.GetAsync($"/api/statements?month={month}&format=xlsx");
        var bytes = await xlsx.Content.ReadAsByteArrayAsync();
        Assert.Equal((byte)'P', bytes[0]); // a zip: PK
        Assert.Equal((byte)'K', bytes[1]);
    }

    [Fact]
    public async Task TheStripeWebhook_IsNotServed_WhenStripeIsNotConfigured()
    {
        var response = await factory.CreateClient().PostAsync("/api/webhooks/stripe", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    internal static string ChinaMonth(DateTimeOffset at) => Core.Shared.ChinaTime.DateOf(at).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
}
