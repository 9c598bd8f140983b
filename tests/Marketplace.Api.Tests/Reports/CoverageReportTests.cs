using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using MiniExcelLibs;

namespace Marketplace.Api.Tests.Reports;

/// <summary>
/// Issue 16's coverage report on the fixed district of <see cref="CoverageSeed"/> (3 schools, 860 pupils, 3 providers), every figure
/// worked out by hand below; its CSV and XLSX read back equal to the JSON; who may read what; bad input in the caller's language.
/// </summary>
public sealed class CoverageReportTests(CoverageFactory factory) : IClassFixture<CoverageFactory>
{
    private const string Url = "/api/reports/coverage?semester=2026-2027-1";

    /// <summary>
    /// This semester. Delivered (completed, delivery recorded/confirmed/decided, ≥ 1 attending): #1 A science 25 (band 3–4), #2 A reading
    /// 38 (band 1–2), #5 B sports 22 as decided (band 7–9), #9 C arts 110 (band 5–6, enrolment 100), #10 A clubs 50 (band 3–4). Not: #3
    /// (0 attended), #4 (disputed), #6/#12 (confirmed), #7 (cancelled), #8 (declined).
    /// Categories of 3 schools: arts-sports B, C = 2; reading A; science A (B's is disputed); clubs A; labour none.
    /// Participation: A 38 + max(25, 50) = 88, B 22, C min(110, 100) = 100 → 210 of 860 = 0.2442.
    /// Money (¥4 subsidy + ¥6 family per pupil): settled #1 25, #5 22, #9 110, #10 50 = 207 pupils → subsidy 82,800, families
    /// 124,200, providers 207,000; committed unsettled #2 40, #3 20, #4 35, #6 30, #12 10 = 135 pupils → subsidy 54,000, families
    /// 81,000, held 135,000; #7 cancelled nets 0.
    /// Modes of the 5 delivered: on campus #1 #9 #10, off campus #2 #5. Kinds: science museum 2, library 1, sports organisation 2.
    /// </summary>
    private static readonly Dictionary<string, decimal> ThisSemester = new()
    {
        ["schools"] = 3,
        ["category.arts-sports.schools"] = 2, ["category.arts-sports.share"] = 0.6667m, ["category.reading.schools"] = 1, ["category.reading.share"] = 0.3333m,
        ["category.science.schools"] = 1, ["category.science.share"] = 0.3333m, ["category.clubs.schools"] = 1, ["category.clubs.share"] = 0.3333m,
        ["category.labour.schools"] = 0, ["category.labour.share"] = 0,
        ["participation.enrolment"] = 860, ["participation.pupils"] = 210, ["participation.share"] = 0.2442m,
        ["policy.districts"] = 1, ["policy.share"] = 1,
        ["spending.subsidy-fen"] = 136_800, ["spending.families-fen"] = 205_200, ["spending.school-fund-fen"] = 0,
        ["spending.providers-fen"] = 207_000, ["spending.collected-fees-fen"] = 0, ["spending.held-fen"] = 135_000,
        ["mode.on-campus"] = 3, ["mode.off-campus"] = 2, ["mode.both"] = 0, ["mode.on-campus.share"] = 0.6m, ["mode.off-campus.share"] = 0.4m,
        ["provider-kind.ScienceMuseum"] = 2, ["provider-kind.Library"] = 1, ["provider-kind.SportsOrganization"] = 2,
    };

    /// <summary>The previous semester: #p1 A science 40 delivered and settled (band 3–4); #p2 B reading cancelled by the provider; no policy.</summary>
    private static readonly Dictionary<string, decimal> PreviousSemester = new()
    {
        ["schools"] = 3, ["category.science.schools"] = 1, ["category.science.share"] = 0.3333m,
        ["participation.enrolment"] = 860, ["participation.pupils"] = 40, ["participation.share"] = 0.0465m,
        ["policy.districts"] = 0, ["policy.share"] = 0,
        ["spending.subsidy-fen"] = 16_000, ["spending.families-fen"] = 24_000, ["spending.providers-fen"] = 40_000, ["spending.held-fen"] = 0,
        ["mode.on-campus"] = 1, ["mode.on-campus.share"] = 1, ["provider-kind.ScienceMuseum"] = 1,
    };

    /// <summary>
    /// Per provider, this semester / previous. 科技馆: #1 #4 #8 #10 #12, none cancelled; completed #1 #4 #10, none empty, #12 not yet 7 days
    /// past → 0 / 0 (#p1: 0 / 0). 图书馆: #2 #6 #7, #7 cancelled → 1/3; completed #2 plus #6 overdue (confirmed, started more than 7 days
    /// ago) → 1 of 2 (#p2 cancelled → 1/1, nothing due → 0). 足球俱乐部: #3 #5 #9, none cancelled; #3 recorded 0 of 3 completed → 1/3.
    /// </summary>
    private static readonly Dictionary<string, (decimal Cancel, decimal NoShow, decimal PrevCancel, decimal PrevNoShow)> Providers = new()
    {
        ["门头沟区青少年科技馆"] = (0, 0, 0, 0),
        ["门头沟区图书馆"] = (0.3333m, 0.5m, 1, 0),
        ["门头沟区少年足球俱乐部"] = (0, 0.3333m, 0, 0),
    };

    [Fact]
    public async Task EveryFigure_OfTheSeededDistrict_IsTheHandWorkedOne_WithTheTrend()
    {
        var report = await (await factory.ClientAsync("bureau-110109")).GetJsonAsync(Url);

        Assert.Equal(("2026-2027-1", "2025-2026-2"), (report["semester"]!.GetValue<string>(), report["previousSemester"]!.GetValue<string>()));
        Assert.Equal(["110109"], report["districts"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Empty(report["byDistrict"]!.AsArray());
        var total = report["total"]!;
        Assert.Equal(("110109", "门头沟区"), (total["district"]!.GetValue<string>(), total["name"]!.GetValue<string>()));
        var trend = total["trend"]!.AsArray().ToDictionary(t => t!["metric"]!.GetValue<string>(), t => t!);
        var names = total["current"]!["providers"]!.AsArray().ToDictionary(p => p!["providerId"]!.GetValue<string>(), p => p!["name"]!.GetValue<string>());
        Assert.Equal(Providers.Keys.Order(), names.Values.Order());

        foreach (var (metric, row) in trend)
        {
            var (current, previous) = metric.StartsWith("provider.", StringComparison.Ordinal)
                ? ProviderRates(names[metric.Split('.')[1]], metric.EndsWith("cancellation-rate", StringComparison.Ordinal))
                : (ThisSemester.GetValueOrDefault(metric), PreviousSemester.GetValueOrDefault(metric));
            Assert.True((current, previous, current - previous) == (Value(row, "current"), Value(row, "previous"), Value(row, "change")),
                $"{metric}: expected {current} / {previous}, got {row.ToJsonString()}");
        }
        Assert.Equal(ThisSemester.Keys.Concat(PreviousSemester.Keys).Where(k => !k.StartsWith("provider-kind.", StringComparison.Ordinal)).ToHashSet(),
            trend.Keys.Where(k => ThisSemester.ContainsKey(k) || PreviousSemester.ContainsKey(k)).Where(k => !k.StartsWith("provider-kind.", StringComparison.Ordinal)).ToHashSet());
        Assert.Equal(6, trend.Keys.Count(k => k.StartsWith("provider.", StringComparison.Ordinal)));

        // The shares and counts behind them, and the definitions the dashboard shows as tooltips.
        var participation = total["current"]!["participation"]!;
        Assert.Equal((210, 860, "largest-delivered-group-per-grade-band"),
            (participation["pupilsEstimated"]!.GetValue<long>(), participation["enrolment"]!.GetValue<long>(), participation["method"]!.GetValue<string>()));
        Assert.Equal(report["method"]!.GetValue<string>(), participation["method"]!.GetValue<string>());
        var definitions = report["definitions"]!.AsObject();
        Assert.Equal(10, definitions.Count);
        Assert.Contains("1–2、3–4、5–6、7–9", definitions["participation"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static (decimal, decimal) ProviderRates(string name, bool cancellation) =>
        cancellation ? (Providers[name].Cancel, Providers[name].PrevCancel) : (Providers[name].NoShow, Providers[name].PrevNoShow);

    private static decimal Value(JsonNode row, string name) => row[name]!.GetValue<decimal>();

    [Fact]
    public async Task TheCityBureau_GetsEachDistrict_AndTheirTotal_TheSeededOneEqualToItsBureausReport()
    {
        var city = await (await factory.ClientAsync("city-1101")).GetJsonAsync(Url);
        var own = await (await factory.ClientAsync("bureau-110109")).GetJsonAsync(Url);

        Assert.Equal(["110101", "110102", "110105", "110108", "110109"], city["districts"]!.AsArray().Select(d => d!.GetValue<string>()));
        var districts = city["byDistrict"]!.AsArray();
        Assert.Equal(5, districts.Count);
        var seeded = districts.Single(d => d!["district"]!.GetValue<string>() == "110109")!;
        Assert.Equal(own["total"]!["trend"]!.ToJsonString(), seeded["trend"]!.ToJsonString());
        Assert.Equal(own["total"]!["current"]!.ToJsonString(), seeded["current"]!.ToJsonString());

        var total = city["total"]!;
        Assert.Equal("all", total["district"]!.GetValue<string>());
        long Sum(Func<JsonNode, long> of) => districts.Sum(d => of(d!["current"]!));
        Assert.Equal(Sum(f => f["schools"]!.GetValue<long>()), total["current"]!["schools"]!.GetValue<long>());
        Assert.Equal(Sum(f => f["spending"]!["subsidyFen"]!.GetValue<long>()), total["current"]!["spending"]!["subsidyFen"]!.GetValue<long>());
        Assert.Equal(Sum(f => f["participation"]!["pupilsEstimated"]!.GetValue<long>()), total["current"]!["participation"]!["pupilsEstimated"]!.GetValue<long>());
        Assert.Equal((Sum(f => f["policyInForce"]!["count"]!.GetValue<long>()), 5L),
            (total["current"]!["policyInForce"]!["count"]!.GetValue<long>(), total["current"]!["policyInForce"]!["of"]!.GetValue<long>()));
        foreach (var group in new[] { 0, 1, 2, 3, 4 })
            Assert.Equal(Sum(f => f["categories"]![group]!["schools"]!["count"]!.GetValue<long>()),
                total["current"]!["categories"]![group]!["schools"]!["count"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("bureau-110109", "", 200)]
    [InlineData("bureau-110109", "&district=110109", 200)]
    [InlineData("bureau-110109", "&district=110105", 403)]
    [InlineData("bureau-110105", "&district=110109", 403)]
    [InlineData("city-1101", "&district=110109", 200)]
    [InlineData("city-3301", "&district=110109", 403)]
    [InlineData("school1", "", 403)]
    [InlineData("provider1", "", 403)]
    [InlineData("admin", "", 403)]
    public async Task WhoMayRead(string user, string query, int status)
    {
        var response = await (await factory.ClientAsync(user)).GetAsync(Url + query);
        if (status == 200) await response.AssertStatusAsync(200);
        else await response.AssertProblemAsync(status);
    }

    [Fact]
    public async Task Anonymous_IsAskedToSignIn()
    {
        await factory.ClientAsync("bureau-110109"); // seeded
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync(Url)).StatusCode);
    }

    [Theory]
    [InlineData("/api/reports/coverage?semester=2026-2028-1", "semester")]
    [InlineData("/api/reports/coverage?semester=autumn", "semester")]
    [InlineData("/api/reports/coverage?semester=2026-2027-1&format=pdf", "format")]
    [InlineData("/api/reports/coverage?district=1101", "district")]
    public async Task BadInput_Is400_NamingTheField_InTheCallersLanguage(string url, string field)
    {
        var client = await factory.ClientAsync("bureau-110109");
        var zh = await (await client.GetAsync(url)).AssertProblemAsync(400, field);
        var english = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { { "Accept-Language", "en-US,en;q=0.9" } } };
        var en = await (await client.SendAsync(english)).AssertProblemAsync(400, field);

        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", zh["errors"]![field]![0]!.GetValue<string>());
        Assert.DoesNotMatch(@"\p{IsCJKUnifiedIdeographs}", en["errors"]![field]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("xlsx")]
    public async Task TheSpreadsheet_ReadBack_HoldsExactlyTheJsonsTrend_OfEveryDistrict(string format)
    {
        var client = await factory.ClientAsync("city-1101");
        var json = await client.GetJsonAsync(Url);
        var response = await client.GetAsync($"{Url}&format={format}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(format == "csv" ? "text/csv" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"coverage-all-2026-2027-1.{format}", response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);

        using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        var rows = stream.Query(useHeaderRow: true, excelType: format == "csv" ? ExcelType.CSV : ExcelType.XLSX)
            .Cast<IDictionary<string, object>>().ToList();
        var expected = new[] { json["total"]! }.Concat(json["byDistrict"]!.AsArray().Select(d => d!))
            .SelectMany(scope => scope["trend"]!.AsArray().Select(t => (
                scope["district"]!.GetValue<string>(), t!["metric"]!.GetValue<string>(),
                Value(t, "current"), Value(t, "previous"), Value(t, "change")))).ToList();
        var read = rows.Select(r =>
        {
            var cells = r.Values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)!.TrimStart('\uFEFF')).ToArray();
            return (cells[0], cells[1], decimal.Parse(cells[3], CultureInfo.InvariantCulture), decimal.Parse(cells[4], CultureInfo.InvariantCulture),
                decimal.Parse(cells[5], CultureInfo.InvariantCulture));
        }).ToList();

        Assert.Equal(expected, read);
        Assert.Equal(["区县", "指标代码", "指标", "本学期", "上学期", "变化"], rows[0].Keys.Select(k => k.TrimStart('\uFEFF')));
        Assert.Contains(rows, r => (string)r.Values.ElementAt(2) == "阅读 · 覆盖率");
    }
}
