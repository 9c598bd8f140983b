using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;

namespace Marketplace.Api.Tests.Schools;

/// <summary>
/// Issue 12 (E): a district bureau imports its school roster from CSV or XLSX (files written here with MiniExcel). A dry run names
/// every bad cell by line and column; a real import writes all rows or nothing; a second import of the same file writes nothing.
/// </summary>
public sealed class SchoolImportTests : IDisposable
{
    private const string Csv = "text/csv";
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private static readonly string[] ZhHeader =
        ["学校名称", "学校标识码", "区县代码", "地址", "纬度", "经度", "学段", "一年级", "二年级", "七年级", "负责人", "负责人电话", "负责人用户名"];

    private readonly MarketplaceFactory _factory = new();

    static SchoolImportTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public void Dispose() => _factory.Dispose();

    private IMarketplaceStore Store => _factory.Services.GetRequiredService<IMarketplaceStore>();

    /// <summary>One roster row in <see cref="ZhHeader"/> order.</summary>
    private static object[] Row(string name, string code, string stage = "小学", string lat = "39.93", string grade7 = "", string username = "",
        string district = "", string grade1 = "120", string grade2 = "118") =>
        [name, code, district, $"北京市东城区{name}路 1 号", lat, "116.41", stage, grade1, grade2, grade7, "赵老师", "13912345678", username];

    private static byte[] CsvOf(IEnumerable<object[]> rows, Encoding? encoding = null)
    {
        var text = new StringBuilder(string.Join(",", ZhHeader)).Append("\r\n");
        foreach (var row in rows) text.Append(string.Join(",", row)).Append("\r\n");
        return (encoding ?? new UTF8Encoding(false)).GetBytes(text.ToString());
    }

    /// <summary>An XLSX written by MiniExcel: the header row, then typed cells (numbers as numbers, as Excel keeps them).</summary>
    private static byte[] XlsxOf(IEnumerable<object[]> rows)
    {
        var sheet = rows.Select(r => ZhHeader.Select((h, i) => (h, v: r[i])).ToDictionary(
            c => c.h, c => c.v is string s && double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : c.v)).ToList();
        using var stream = new MemoryStream();
        stream.SaveAs(sheet, printHeader: true, excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    private static Task<HttpResponseMessage> ImportAsync(HttpClient client, byte[] file, string type, bool dryRun)
    {
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return client.PostAsync($"/api/schools/import?dryRun={(dryRun ? "true" : "false")}", content);
    }

    private static JsonNode? ErrorAt(JsonNode report, int line, string code) =>
        report["errors"]!.AsArray().FirstOrDefault(e => e!["line"]?.GetValue<int>() == line && e["code"]!.GetValue<string>() == code);

    private async Task<int> SchoolCountAsync() => (await Store.ListSchoolsAsync(new SchoolFilter(["110101"], Limit: 10_000))).Count;

    [Fact]
    public async Task DryRun_NamesEveryBadCell_ByLineAndColumn_AndWritesNothing()
    {
        var bureau = await _factory.ClientForAsync("bureau-110101");
        var before = await SchoolCountAsync();
        var file = CsvOf([
            Row("东城区和平里小学", "1110101001"),
            Row("东城区史家胡同小学", "12345", stage: "高中", lat: "139.9"),
            Row("东城区府学胡同小学", "1110101001", grade7: "80"),
        ]);
        file = [.. file, .. Encoding.UTF8.GetBytes("\r\n东城区空行之后小学,1110101004,,地址,39.93,116.41,小学,-5\r\n")]; // line 5 is empty; line 6 leaves its last cells out and has a bad grade 1

        var report = await (await ImportAsync(bureau, file, Csv, dryRun: true)).AssertStatusAsync(200);

        Assert.True(report["dryRun"]!.GetValue<bool>());
        Assert.Equal(4, report["rows"]!.GetValue<int>());
        Assert.True(ErrorAt(report, 6, "import.enrolment") is { } grade1 && grade1["column"]!.GetValue<string>() == "H", report.ToJsonString()); // an empty line still counts
        var badCode = ErrorAt(report, 3, "import.school-code-format")!;
        Assert.Equal(("B", "schoolCode"), (badCode["column"]!.GetValue<string>(), badCode["field"]!.GetValue<string>()));
        Assert.False(string.IsNullOrWhiteSpace(badCode["message"]!.GetValue<string>()));
        Assert.Equal("G", ErrorAt(report, 3, "import.stage")!["column"]!.GetValue<string>());
        Assert.Equal("E", ErrorAt(report, 3, "import.coordinates")!["column"]!.GetValue<string>());
        // A repeated school code names both lines; grade 7 of a primary school is reported in its own column (J).
        Assert.Contains("4", ErrorAt(report, 2, "import.school-code-repeated")!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("2", ErrorAt(report, 4, "import.school-code-repeated")!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("J", ErrorAt(report, 4, "import.enrolment")!["column"]!.GetValue<string>());
        Assert.Equal(before, await SchoolCountAsync());
    }

    [Fact]
    public async Task OneBadRow_RefusesTheWholeImport_NothingWritten()
    {
        var bureau = await _factory.ClientForAsync("bureau-110101");
        var before = await SchoolCountAsync();
        var file = CsvOf([
            Row("东城区和平里小学", "1110101001", username: "hepingli"),
            Row("东城区史家胡同小学", "1110101002", username: "shijia"),
            Row("东城区府学胡同小学", "1110101003", district: "330102"), // another city's district
        ]);

        var problem = await (await ImportAsync(bureau, file, Csv, dryRun: false)).AssertProblemAsync(400);

        var error = problem["errors"]!.AsArray().Single()!;
        Assert.Equal((4, "C", "import.district-not-yours"), (error["line"]!.GetValue<int>(), error["column"]!.GetValue<string>(), error["code"]!.GetValue<string>()));
        Assert.Equal(before, await SchoolCountAsync());
        Assert.Empty(await Store.FindUsersAsync(["hepingli", "shijia"]));
        Assert.Empty(await Store.FindSchoolsByCodeAsync(["1110101001", "1110101002"]));
    }

    [Fact]
    public async Task Xlsx_Import_CreatesSchoolsAndCoordinators_AndTheSameFileAgain_WritesNothing()
    {
        var bureau = await _factory.ClientForAsync("bureau-110101");
        var file = XlsxOf([
            Row("东城区和平里小学", "1110101001", username: "hepingli"),
            Row("东城区第一中学", "1110101002", stage: "初中", grade7: "300", username: "dongcheng1", grade1: "", grade2: ""),
        ]);

        var dry = await (await ImportAsync(bureau, file, Xlsx, dryRun: true)).AssertStatusAsync(200);
        Assert.Empty(dry["errors"]!.AsArray());
        Assert.Equal((2, 2), (dry["schoolsCreated"]!.GetValue<int>(), dry["usersCreated"]!.GetValue<int>()));
        Assert.Empty(dry["activations"]!.AsArray());
        Assert.Empty(await Store.FindSchoolsByCodeAsync(["1110101001"]));

        var first = await (await ImportAsync(bureau, file, Xlsx, dryRun: false)).AssertStatusAsync(200);

        Assert.Equal((2, 0, 0, 2), (first["schoolsCreated"]!.GetValue<int>(), first["schoolsUpdated"]!.GetValue<int>(),
            first["schoolsUnchanged"]!.GetValue<int>(), first["usersCreated"]!.GetValue<int>()));
        var schools = (await Store.FindSchoolsByCodeAsync(["1110101001", "1110101002"])).OrderBy(s => s.SchoolCode).ToList();
        Assert.Equal([SchoolStage.Primary, SchoolStage.Junior], schools.Select(s => s.Stage));
        Assert.Equal([300], schools[1].EnrolmentByGrade.Values);
        Assert.Equal(("110101", "赵老师", "13912345678", 39.93), (schools[0].DistrictCode, schools[0].CoordinatorName, schools[0].CoordinatorPhone, schools[0].Lat));
        foreach (var activation in first["activations"]!.AsArray())
        {
            var code = activation!["code"]!.GetValue<string>();
            Assert.Equal(ActivationCode.Length, code.Length);
            var user = (await Store.FindUserAsync(activation["username"]!.GetValue<string>()))!;
            Assert.Equal(ActivationCode.Hash(code), user.ActivationHash); // stored hashed, never in clear
            Assert.DoesNotContain(code, StoreJson.Serialize(user), StringComparison.Ordinal);
            Assert.True(user.MustChangePassword);
            Assert.Equal((Role.School, OrgRole.Admin), (user.Role, user.OrgRole));
            Assert.Contains(user.OrganizationId, schools.Select(s => s.Id));
        }
        Assert.Equal([2, 3], first["activations"]!.AsArray().Select(a => a!["line"]!.GetValue<int>()).Order());

        var again = await (await ImportAsync(bureau, file, Xlsx, dryRun: false)).AssertStatusAsync(200);

        Assert.Equal((0, 0, 2, 0), (again["schoolsCreated"]!.GetValue<int>(), again["schoolsUpdated"]!.GetValue<int>(),
            again["schoolsUnchanged"]!.GetValue<int>(), again["usersCreated"]!.GetValue<int>()));
        Assert.Empty(again["activations"]!.AsArray());
        var reread = (await Store.FindSchoolsByCodeAsync(["1110101001", "1110101002"])).OrderBy(s => s.SchoolCode).ToList();
        Assert.Equal(schools.Select(s => (s.Id, s.Version)), reread.Select(s => (s.Id, s.Version)));
        Assert.Equal(2, (await Store.FindUsersAsync(["hepingli", "dongcheng1"])).Count);

        // The import that wrote is audited in its own commit, in the district it changed; the unchanged second file is not.
        var imports = (await bureau.GetJsonAsync("/api/audit?district=110101&limit=100")).AsArray().Where(e => e!["action"]!.GetValue<string>() == "schools.import").ToList();
        var entry = Assert.Single(imports)!;
        Assert.Equal(("Bureau:bureau-110101", "district", "110101", "inserted=2 updated=0 accounts=2"), (entry["actor"]!.GetValue<string>(),
            entry["targetKind"]!.GetValue<string>(), entry["targetId"]!.GetValue<string>(), entry["detail"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ACoordinator_SignsInOnceWithTheActivationCode_TypedAsPeopleTypeIt_AndMustChooseAPassword()
    {
        var bureau = await _factory.ClientForAsync("bureau-110101");
        var file = XlsxOf([Row("东城区安定门小学", "1110101009", username: "andingmen")]);
        var activation = (await (await ImportAsync(bureau, file, Xlsx, dryRun: false)).AssertStatusAsync(200))["activations"]![0]!;
        var code = activation["code"]!.GetValue<string>();
        var typed = $" {code[..8].ToLowerInvariant()}-{code[8..]} "; // lower case, a hyphen, surrounding spaces

        var token = await (await _factory.CreateClient().PostJsonAsync("/api/auth/token", new { username = "andingmen", password = typed })).AssertStatusAsync(200);

        Assert.True(token["mustChangePassword"]!.GetValue<bool>());
        var wrong = await _factory.CreateClient().PostJsonAsync("/api/auth/token", new { username = "andingmen", password = "ABCDEFGHJKMNPQRS" });
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task ChangedRow_UpdatesThatSchoolOnly_AndAnotherDistrictsCodeOrAnotherSchoolsUser_IsRefused()
    {
        var bureau = await _factory.ClientForAsync("bureau-110101");
        await (await ImportAsync(bureau, CsvOf([Row("东城区和平里小学", "1110101001", username: "hepingli"), Row("东城区史家胡同小学", "1110101002")]), Csv, dryRun: false))
            .AssertStatusAsync(200);

        var update = await (await ImportAsync(bureau, CsvOf([Row("东城区和平里小学（本部）", "1110101001", username: "hepingli"), Row("东城区史家胡同小学", "1110101002")]), Csv, dryRun: false))
            .AssertStatusAsync(200);
        Assert.Equal((0, 1, 1, 0), (update["schoolsCreated"]!.GetValue<int>(), update["schoolsUpdated"]!.GetValue<int>(),
            update["schoolsUnchanged"]!.GetValue<int>(), update["usersCreated"]!.GetValue<int>()));
        var school = (await Store.FindSchoolsByCodeAsync(["1110101001"])).Single();
        Assert.Equal(("东城区和平里小学（本部）", 2L), (school.Name, school.Version));

        // Another school claiming hepingli, or school1 (a demo user of another school), is refused; so is 110101's code from 110102.
        var taken = await (await ImportAsync(bureau, CsvOf([Row("东城区新学校", "1110101009", username: "school1"), Row("东城区史家胡同小学", "1110101002", username: "hepingli")]), Csv, dryRun: true))
            .AssertStatusAsync(200);
        Assert.NotNull(ErrorAt(taken, 2, "import.username-taken"));
        Assert.NotNull(ErrorAt(taken, 3, "import.username-taken"));
        var neighbour = await _factory.ClientForAsync("bureau-110102");
        var elsewhere = await (await ImportAsync(neighbour, CsvOf([Row("西城区实验小学", "1110101001")]), Csv, dryRun: true)).AssertStatusAsync(200);
        Assert.Equal("B", ErrorAt(elsewhere, 2, "import.school-code-elsewhere")!["column"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheReadmeSample_ImportsCleanly()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "docs", "samples", "schools.csv"))) folder = folder.Parent;
        var sample = await File.ReadAllBytesAsync(Path.Combine(folder!.FullName, "docs", "samples", "schools.csv"));

        var report = await (await ImportAsync(await _factory.ClientForAsync("bureau-110101"), sample, Csv, dryRun: true)).AssertStatusAsync(200);

        Assert.Empty(report["errors"]!.AsArray());
        Assert.Equal((3, 3, 2), (report["rows"]!.GetValue<int>(), report["schoolsCreated"]!.GetValue<int>(), report["usersCreated"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Gb18030Csv_IsRead_AsExcelOnChineseWindowsSavesIt()
    {
        var bureau = await _factory.ClientForAsync("bureau-110101");
        var gb18030 = Encoding.GetEncoding("GB18030");
        var file = CsvOf([Row("东城区𠀾和平里小学", "1110101005")], gb18030); // 𠀾: outside the BMP, four bytes in GB18030
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(file)); // not UTF-8

        var report = await (await ImportAsync(bureau, file, Csv, dryRun: false)).AssertStatusAsync(200);

        Assert.Empty(report["errors"]!.AsArray());
        Assert.Equal("东城区𠀾和平里小学", (await Store.FindSchoolsByCodeAsync(["1110101005"])).Single().Name);
        // The same roster as UTF-8 with a BOM (Excel's "CSV UTF-8") is the same school, unchanged.
        var utf8 = await (await ImportAsync(bureau, [0xEF, 0xBB, 0xBF, .. CsvOf([Row("东城区𠀾和平里小学", "1110101005")])], Csv, dryRun: true)).AssertStatusAsync(200);
        Assert.Equal(1, utf8["schoolsUnchanged"]!.GetValue<int>());
    }

    [Fact]
    public async Task TheAreaColumn_RecordsUrbanOrRural_RefusesAnythingElse_AndAFileWithoutItKeepsTheArea()
    {
        var bureau = await _factory.ClientForAsync("bureau-110101");
        static byte[] File(string header, params string[] rows) => Encoding.UTF8.GetBytes(string.Join("\r\n", [header, .. rows]) + "\r\n");
        const string withArea = "学校名称,学校标识码,地址,纬度,经度,学段,城乡,一年级";
        const string withoutArea = "学校名称,学校标识码,地址,纬度,经度,学段,一年级";

        var bad = await (await ImportAsync(bureau, File(withArea, "东城区乡村小学,1110101061,北京市东城区乡村路1号,39.93,116.41,小学,镇区,30"), Csv, dryRun: true))
            .AssertStatusAsync(200);
        Assert.Equal("G", ErrorAt(bad, 2, "import.area")!["column"]!.GetValue<string>());

        await (await ImportAsync(bureau, File(withArea,
            "东城区乡村小学,1110101061,北京市东城区乡村路1号,39.93,116.41,小学,农村,30",
            "东城区城区小学,1110101062,北京市东城区城区路1号,39.93,116.41,小学,城区,30",
            "东城区未标小学,1110101063,北京市东城区未标路1号,39.93,116.41,小学,,30"), Csv, dryRun: false)).AssertStatusAsync(200);
        async Task<Dictionary<string, SchoolArea?>> AreasAsync() =>
            (await Store.FindSchoolsByCodeAsync(["1110101061", "1110101062", "1110101063"])).ToDictionary(x => x.SchoolCode!, x => x.Area);
        Assert.Equal(new Dictionary<string, SchoolArea?> { ["1110101061"] = SchoolArea.Rural, ["1110101062"] = SchoolArea.Urban, ["1110101063"] = null }, await AreasAsync());

        // A file without the column changes nothing about the area (the row is otherwise unchanged: nothing is written).
        var again = await (await ImportAsync(bureau, File(withoutArea, "东城区乡村小学,1110101061,北京市东城区乡村路1号,39.93,116.41,小学,30"), Csv, dryRun: false))
            .AssertStatusAsync(200);
        Assert.Equal(1, again["schoolsUnchanged"]!.GetValue<int>());
        // With the column, an empty cell clears it.
        await (await ImportAsync(bureau, File(withArea, "东城区乡村小学,1110101061,北京市东城区乡村路1号,39.93,116.41,小学,,30"), Csv, dryRun: false)).AssertStatusAsync(200);
        Assert.Null((await AreasAsync())["1110101061"]);
    }

    [Fact]
    public async Task Limits_2000Rows_ABodyOver256KB_AcceptedHereOnly_AndTheWrongType_415()
    {
        var bureau = await _factory.ClientForAsync("bureau-110101");
        var rows = Enumerable.Range(1, 2001).Select(i => Row($"东城区第{i}小学附属学校校区名称较长以便文件超过默认上限", $"19101{i:D5}")).ToList();
        var file = CsvOf(rows);
        Assert.True(file.Length > 256 * 1024, "larger than every other route accepts");

        var tooMany = await (await ImportAsync(bureau, file, Csv, dryRun: true)).AssertStatusAsync(200);
        Assert.Equal("import.too-many-rows", tooMany["errors"]!.AsArray().Single()!["code"]!.GetValue<string>());
        Assert.Null(tooMany["errors"]![0]!["line"]);

        var full = await (await ImportAsync(bureau, CsvOf(rows[..2000]), Csv, dryRun: true)).AssertStatusAsync(200);
        Assert.Equal((2000, 2000), (full["rows"]!.GetValue<int>(), full["schoolsCreated"]!.GetValue<int>()));
        Assert.Empty(full["errors"]!.AsArray());

        await (await ImportAsync(bureau, new byte[5 * 1024 * 1024], Csv, dryRun: true)).AssertProblemAsync(413);
        var wrongType = await (await ImportAsync(bureau, CsvOf(rows[..1]), "text/plain", dryRun: true)).AssertProblemAsync(415);
        Assert.Contains("CSV", wrongType["title"]!.GetValue<string>(), StringComparison.Ordinal);
        await (await ImportAsync(bureau, [0x50, 0x4B, 0x03, 0x04, 1, 2, 3], Xlsx, dryRun: true)).AssertProblemAsync(400, "body");
        await (await ImportAsync(await _factory.ClientForAsync("city-1101"), CsvOf(rows[..1]), Csv, dryRun: true)).AssertProblemAsync(403);
        await (await ImportAsync(await _factory.ClientForAsync("school1"), CsvOf(rows[..1]), Csv, dryRun: true)).AssertProblemAsync(403);
        // Authorization first: another role's request of the wrong type is 403, not 415.
        await (await ImportAsync(await _factory.ClientForAsync("provider1"), "{}"u8.ToArray(), "application/json", dryRun: true)).AssertProblemAsync(403);
    }
}
