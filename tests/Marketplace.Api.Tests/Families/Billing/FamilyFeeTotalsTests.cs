using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Families;
using Marketplace.Core.Families.Billing;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests.Families.Billing;

/// <summary>
/// Issue 18, the bureau's family-fee totals and the school's bills screen query, over bills written straight to the store in a
/// semester no other test uses, with figures worked by hand. 东城 110101: school1 and school13; 朝阳 110105: school3.
/// <list type="bullet">
/// <item>school1: b1 700 billed, 300 paid → owes 400; b2 家庭经济困难 (700 waived, 0 billed); b3 700 billed and paid, 700 credited
/// (absence), not refunded yet → refund due 700;</item>
/// <item>school13: b4 1,400 billed, 600 credited, 800 paid → 0; b5 700 billed, paid, credited, 500 refunded → refund due 200;</item>
/// <item>school3: b6 700 billed → owes 700; and school1 has a bill of another semester (999), counted in neither.</item>
/// </list>
/// 110101: 5 bills, billed 3,500, waived 700, credited 2,000, paid 2,500, refunded 500, outstanding 400, refund due 900
/// (3,500 − 2,000 − 2,500 + 500 = 400 − 900).
/// </summary>
public sealed class FamilyFeeTotalsTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private const string Term = "2030-2031-1";
    private const string OtherTerm = "2030-2031-2";
    private static readonly DateTimeOffset Now = new(2030, 10, 8, 8, 0, 0, TimeSpan.Zero);
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static bool _seeded;

    private IMarketplaceStore Store => factory.Services.GetRequiredService<IMarketplaceStore>();

    private static BillLine Line(long service, long collected, long waived) =>
        new(Ids.New(), Ids.New(), "足球", "体育中心", [Ids.New()], [new DateOnly(2030, 10, 9)], service, collected, waived, waived > 0 ? WaiverReasons.Hardship : null, Now);

    /// <summary>A bill of one line, then paid, credited and refunded as asked; committed with every posting.</summary>
    private async Task BillAsync(string school, string name, BillLine line, long paid = 0, long credited = 0, long refunded = 0, string term = Term, int grade = 3)
    {
        var schoolId = await factory.OrganizationOfAsync(school);
        var record = (await Store.FindAsync<Core.Schools.School>(schoolId))!;
        var pupil = Pupil.Create(schoolId, record.DistrictCode, name, grade, "1班", Ids.New(), "13700000000", line.WaivedFen > 0, Now);
        var bill = FamilyBill.Open(pupil, term, Now);
        var changes = new StoreChanges().Insert(pupil).Insert(bill);
        if (bill.Bill(line, Now) is { } billed) changes.Insert(billed);
        if (paid > 0) changes.Insert(bill.Pay(Ids.New(), paid, "offline", $"TY-{name}", Now, "School:test"));
        if (credited > 0) changes.Insert(bill.Credit(line.WindowId, line.ProgrammeId, credited, RefundCause.Absence, null, [new DateOnly(2030, 10, 9)], [new DateOnly(2030, 10, 9)], Now)!);
        if (refunded > 0) changes.Insert(bill.Refund(bill.NextRefund().Id, bill.Payments[0], refunded, null, Now));
        await Store.CommitAsync(changes);
    }

    private async Task SeedAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (_seeded) return;
            await BillAsync("school1", "账一", Line(600, 100, 0), paid: 300);
            await BillAsync("school1", "账二", Line(600, 100, 700), grade: 4);
            await BillAsync("school1", "账三", Line(600, 100, 0), paid: 700, credited: 700);
            await BillAsync("school13", "账四", Line(1_200, 200, 0), paid: 800, credited: 600);
            await BillAsync("school13", "账五", Line(600, 100, 0), paid: 700, credited: 700, refunded: 500);
            await BillAsync("school3", "账六", Line(600, 100, 0));
            await BillAsync("school1", "账七", Line(899, 100, 0), term: OtherTerm);
            _seeded = true;
        }
        finally
        {
            Once.Release();
        }
    }

    private static long[] Figures(JsonNode t) =>
        [.. new[] { "bills", "billedFen", "waivedFen", "creditedFen", "paidFen", "refundedFen", "outstandingFen", "refundDueFen", "owedBills", "refundDueBills" }
            .Select(f => t[f]!.GetValue<long>())];

    [Fact]
    public async Task Bureau_ReadsItsDistrictsTotals_PerSchoolAndInAll_ComputedFromTheStore()
    {
        await SeedAsync();
        var bureau = await factory.ClientForAsync("bureau-110101");
        var report = await bureau.GetJsonAsync($"/api/districts/110101/family-fees?semester={Term}");
        Assert.Equal(("110101", Term), (report["districtCode"]!.GetValue<string>(), report["semester"]!.GetValue<string>()));
        var schools = report["schools"]!.AsArray().ToDictionary(s => s!["schoolId"]!.GetValue<Guid>(), s => s!["totals"]!);
        Assert.Equal(2, schools.Count);
        Assert.Equal(new long[] { 3L, 1_400, 700, 700, 1_000, 0, 400, 700, 1, 1 }, Figures(schools[await factory.OrganizationOfAsync("school1")]));
        Assert.Equal(new long[] { 2L, 2_100, 0, 1_300, 1_500, 500, 0, 200, 0, 1 }, Figures(schools[await factory.OrganizationOfAsync("school13")]));
        Assert.Equal(new long[] { 5L, 3_500, 700, 2_000, 2_500, 500, 400, 900, 1, 2 }, Figures(report["total"]!));
        Assert.All(report["schools"]!.AsArray(), s => Assert.False(string.IsNullOrEmpty(s!["schoolName"]!.GetValue<string>())));

        // 朝阳's bureau sees only school3; the other semester holds school1's seventh bill alone.
        var chaoyang = await (await factory.ClientForAsync("bureau-110105")).GetJsonAsync($"/api/districts/110105/family-fees?semester={Term}");
        Assert.Equal(new long[] { 1L, 700, 0, 0, 0, 0, 700, 0, 1, 0 }, Figures(Assert.Single(chaoyang["schools"]!.AsArray())!["totals"]!));
        var other = await bureau.GetJsonAsync($"/api/districts/110101/family-fees?semester={OtherTerm}");
        Assert.Equal(new long[] { 1L, 999, 0, 0, 0, 0, 999, 0, 1, 0 }, Figures(other["total"]!));

        // The city bureau oversees both districts.
        var city = await factory.ClientForAsync("city-1101");
        Assert.Equal(3_500, (await city.GetJsonAsync($"/api/districts/110101/family-fees?semester={Term}"))["total"]!["billedFen"]!.GetValue<long>());
        Assert.Equal(700, (await city.GetJsonAsync($"/api/districts/110105/family-fees?semester={Term}"))["total"]!["billedFen"]!.GetValue<long>());
    }

    [Fact]
    public async Task FamilyFees_AreTheBureaus_AnotherDistrict403_AndABadSemesterNamesTheField()
    {
        await SeedAsync();
        var url = $"/api/districts/110101/family-fees?semester={Term}";
        var refused = await (await (await factory.ClientForAsync("bureau-110105")).GetAsync(url)).AssertProblemAsync(403);
        Assert.Equal("forbidden.family-fees-district", refused["code"]!.GetValue<string>());
        await (await (await factory.ClientForAsync("school1")).GetAsync(url)).AssertProblemAsync(403);
        await (await (await factory.ClientForAsync("provider1")).GetAsync(url)).AssertProblemAsync(403);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync(url)).StatusCode);

        var bureau = await factory.ClientForAsync("bureau-110101");
        foreach (var bad in new[] { "2030-31-1", "2030-2032-1", "2030-2031-3", "秋季" })
        {
            var problem = await (await bureau.GetAsync($"/api/districts/110101/family-fees?semester={Uri.EscapeDataString(bad)}")).AssertProblemAsync(400);
            Assert.NotNull(problem["errors"]!["semester"]);
        }
        // No semester: the current one (nothing billed there in this host).
        var current = await bureau.GetJsonAsync("/api/districts/110101/family-fees");
        Assert.Equal(Semester.Of(DateTimeOffset.UtcNow).Name, current["semester"]!.GetValue<string>());
    }

    [Fact]
    public async Task School_ListsItsBillsBySemesterGradeAndState_AndItsTotalsCoverEveryPage()
    {
        await SeedAsync();
        var school = await factory.ClientForAsync("school1");
        string[] Names(JsonNode list) => [.. list.AsArray().Select(b => b!["pupilName"]!.GetValue<string>()).Order(StringComparer.Ordinal)];

        Assert.Equal(["账一", "账三", "账二"], Names(await school.GetJsonAsync($"/api/bills?semester={Term}")));
        Assert.Equal(["账一"], Names(await school.GetJsonAsync($"/api/bills?semester={Term}&state=Owed")));
        Assert.Equal(["账二"], Names(await school.GetJsonAsync($"/api/bills?semester={Term}&state=PaidUp")));
        Assert.Equal(["账三"], Names(await school.GetJsonAsync($"/api/bills?semester={Term}&state=RefundDue")));
        Assert.Equal(["账二"], Names(await school.GetJsonAsync($"/api/bills?semester={Term}&grade=4")));
        Assert.Equal(["账七"], Names(await school.GetJsonAsync($"/api/bills?semester={OtherTerm}")));

        // A page of one; the totals are every page's.
        var first = await school.GetAsync($"/api/bills?semester={Term}&limit=1");
        Assert.Single((await first.AssertStatusAsync(200)).AsArray());
        Assert.Contains("after=", first.Headers.GetValues("Link").Single(), StringComparison.Ordinal);
        var totals = await school.GetJsonAsync($"/api/bills/totals?semester={Term}");
        Assert.Equal(new long[] { 3L, 1_400, 700, 700, 1_000, 0, 400, 700, 1, 1 }, Figures(totals));
        Assert.Equal(1, (await school.GetJsonAsync($"/api/bills/totals?semester={Term}&state=RefundDue"))["bills"]!.GetValue<long>());

        var bad = await (await school.GetAsync("/api/bills?semester=2030&grade=10&state=Late")).AssertProblemAsync(400);
        Assert.NotNull(bad["errors"]!["semester"]);
        Assert.NotNull(bad["errors"]!["grade"]);
        Assert.NotNull(bad["errors"]!["state"]);
        await (await (await factory.ClientForAsync("bureau-110101")).GetAsync("/api/bills/totals")).AssertProblemAsync(403);
    }

    [Fact]
    public async Task StoreSums_MatchTheBillsThemselves()
    {
        await SeedAsync();
        var school1 = await factory.OrganizationOfAsync("school1");
        var bills = await Store.ListFamilyBillsAsync(new FamilyBillFilter(SchoolId: school1) { Semester = Term });
        var sum = Assert.Single(await Store.SumFamilyBillsAsync(new FamilyBillFilter(SchoolId: school1) { Semester = Term }));
        Assert.Equal((bills.Count, bills.Sum(b => b.BilledFen), bills.Sum(b => b.CreditedFen), bills.Sum(b => b.PaidFen), bills.Sum(b => b.RefundedFen)),
            ((int)sum.Bills, sum.BilledFen, sum.CreditedFen, sum.PaidFen, sum.RefundedFen));
        Assert.Equal(bills.Sum(b => b.BalanceFen), sum.OutstandingFen - sum.RefundDueFen);
    }
}
