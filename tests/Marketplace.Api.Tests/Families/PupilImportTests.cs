using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Families;
using Marketplace.Core.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests.Families;

/// <summary>
/// Issue 18: a school imports its pupil roster (学生名单). A dry run names every bad cell by line and column letter in the caller's
/// language; a real import writes all rows or none; a re-import updates pupils instead of duplicating them; a guardian phone on two
/// schools' rosters is one guardian.
/// </summary>
public sealed class PupilImportTests : IDisposable
{
    private readonly FamilyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private IMarketplaceStore Store => _factory.Services.GetRequiredService<IMarketplaceStore>();

    private async Task<int> PupilCountAsync(Guid school) => (await Store.ListPupilsAsync(new PupilFilter(SchoolId: school, Limit: 10_000))).Count;

    private static JsonNode? ErrorAt(JsonNode report, int line, string code) =>
        report["errors"]!.AsArray().FirstOrDefault(e => e!["line"]?.GetValue<int>() == line && e["code"]!.GetValue<string>() == code);

    [Fact]
    public async Task DryRun_NamesEveryBadCell_ByLineAndColumnLetter_InTheCallersLanguage_AndWritesNothing()
    {
        var school = await _factory.ClientForAsync("school3");
        var schoolId = await _factory.OrganizationOfAsync("school3");
        var before = await PupilCountAsync(schoolId);
        var file = Roster.CsvOf(
            ["周一鸣", "3", "2班", "周先生", "13911110001", "否"],
            ["吴小雨", "10", "2班", "吴女士", "12345", ""],
            ["", "三年级", "1班", "郑先生", "13911110003", "是"],
            ["孙悦", "4年级", "1班", "孙女士", "13911110004", "也许"],
            ["周一鸣", "三年级", "3班", "周先生", "139 1111 0001", ""]);

        var en = await (await Roster.ImportAsync(school, schoolId, file, dryRun: true, "en")).AssertStatusAsync(200);
        var zh = await (await Roster.ImportAsync(school, schoolId, file, dryRun: true)).AssertStatusAsync(200);

        Assert.Equal(5, en["rows"]!.GetValue<int>());
        Assert.Equal("B", ErrorAt(en, 3, "import.grade")!["column"]!.GetValue<string>());
        Assert.Equal("E", ErrorAt(en, 3, "import.mobile")!["column"]!.GetValue<string>());
        Assert.Equal("A", ErrorAt(en, 4, "import.required")!["column"]!.GetValue<string>());
        Assert.Equal("F", ErrorAt(en, 5, "import.flag")!["column"]!.GetValue<string>());
        // The same pupil twice (a phone written with spaces is the same phone): both lines, each naming the other.
        Assert.Contains("6", ErrorAt(en, 2, "import.pupil-repeated")!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("2", ErrorAt(en, 6, "import.pupil-repeated")!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("an 11-digit mobile number", ErrorAt(en, 3, "import.mobile")!["message"]!.GetValue<string>());
        Assert.Equal("须为 11 位手机号", ErrorAt(zh, 3, "import.mobile")!["message"]!.GetValue<string>());
        Assert.Equal(6, en["errors"]!.AsArray().Count);
        Assert.Equal(before, await PupilCountAsync(schoolId));

        // A real import of the same file: 400 with the same errors, nothing written.
        var refused = await (await Roster.ImportAsync(school, schoolId, file, dryRun: false)).AssertProblemAsync(400);
        Assert.Equal("import-invalid", refused["code"]!.GetValue<string>());
        Assert.Equal(6, refused["errors"]!.AsArray().Count);
        Assert.Equal(before, await PupilCountAsync(schoolId));
        Assert.Empty(await Store.FindUsersByPhoneAsync(["13911110001", "13911110003"]));
    }

    [Fact]
    public async Task Import_CreatesPupilsAndGuardians_AndTheNextYearsRoster_UpdatesThemInsteadOfDuplicating()
    {
        var school = await _factory.ClientForAsync("school3");
        var schoolId = await _factory.OrganizationOfAsync("school3");
        var report = await (await Roster.ImportAsync(school, schoolId, Roster.CsvOf(
            ["周一鸣", "3", "2班", "周先生", "13911110001", "否"],
            ["周一诺", "1", "1班", "周先生", "13911110001", "否"],
            ["吴小雨", "5", "2班", "吴女士", "13911110002", "是"]), dryRun: false)).AssertStatusAsync(200);

        Assert.Equal((3, 0, 2, 0), (report["pupilsCreated"]!.GetValue<int>(), report["pupilsUpdated"]!.GetValue<int>(),
            report["guardiansCreated"]!.GetValue<int>(), report["guardiansLinked"]!.GetValue<int>()));
        var activations = report["activations"]!.AsArray();
        Assert.Equal(["13911110001", "13911110002"], activations.Select(a => a!["phone"]!.GetValue<string>()).Order());
        Assert.All(activations, a => Assert.Equal(16, a!["code"]!.GetValue<string>().Length));
        var pupils = (await school.GetJsonAsync($"/api/schools/{schoolId}/pupils")).AsArray();
        Assert.Equal(3, pupils.Count);
        var wu = pupils.Single(p => p!["name"]!.GetValue<string>() == "吴小雨")!;
        Assert.True(wu["hardship"]!.GetValue<bool>());
        Assert.Equal(("吴女士", "13911110002", false), (wu["guardians"]![0]!["name"]!.GetValue<string>(), wu["guardians"]![0]!["phone"]!.GetValue<string>(),
            wu["guardians"]![0]!["activated"]!.GetValue<bool>()));

        // The next school year: everyone a grade up, one class renamed; no hardship column (the recorded flag stays).
        var next = await (await Roster.ImportAsync(school, schoolId, System.Text.Encoding.UTF8.GetBytes(
            "姓名,年级,班级,监护人姓名,监护人手机\r\n周一鸣,4,2班,周先生,13911110001\r\n周一诺,2,1班,周先生,13911110001\r\n吴小雨,6,3班,吴女士,13911110002\r\n"), dryRun: false))
            .AssertStatusAsync(200);
        Assert.Equal((0, 3, 0, 2), (next["pupilsCreated"]!.GetValue<int>(), next["pupilsUpdated"]!.GetValue<int>(),
            next["guardiansCreated"]!.GetValue<int>(), next["guardiansLinked"]!.GetValue<int>()));
        Assert.Empty(next["activations"]!.AsArray());
        pupils = (await school.GetJsonAsync($"/api/schools/{schoolId}/pupils")).AsArray();
        Assert.Equal(3, pupils.Count);
        Assert.Equal([2, 4, 6], pupils.Select(p => p!["grade"]!.GetValue<int>()).Order());
        Assert.True(pupils.Single(p => p!["name"]!.GetValue<string>() == "吴小雨")!["hardship"]!.GetValue<bool>());
        Assert.Single((await school.GetJsonAsync($"/api/schools/{schoolId}/pupils?grade=6&className=3班")).AsArray());
    }

    [Fact]
    public async Task APhoneOnTwoSchoolsRosters_IsOneGuardian_WhoSeesBothChildren()
    {
        var (school3, school4) = (await _factory.ClientForAsync("school3"), await _factory.ClientForAsync("school4"));
        var (id3, id4) = (await _factory.OrganizationOfAsync("school3"), await _factory.OrganizationOfAsync("school4"));
        var first = await (await Roster.ImportAsync(school3, id3, Roster.CsvOf(["郑小北", "2", "1班", "郑妈妈", "13911110009", ""]), dryRun: false)).AssertStatusAsync(200);
        var second = await (await Roster.ImportAsync(school4, id4, Roster.CsvOf(["郑小南", "5", "3班", "郑妈妈", "13911110009", ""]), dryRun: false)).AssertStatusAsync(200);

        Assert.Equal((0, 1), (second["guardiansCreated"]!.GetValue<int>(), second["guardiansLinked"]!.GetValue<int>()));
        Assert.Single(await Store.FindUsersByPhoneAsync(["13911110009"]));
        var token = await Roster.ActivateAsync(_factory, "13911110009", first["activations"]![0]!["code"]!.GetValue<string>());
        var children = (await Roster.WithToken(_factory, token).GetJsonAsync("/api/guardian/children")).AsArray();
        Assert.Equal([(id3, "郑小北"), (id4, "郑小南")], children.Select(c => (c!["schoolId"]!.GetValue<Guid>(), c["name"]!.GetValue<string>())).OrderBy(c => c.Item2));
        Assert.Equal(2, children.Select(c => c!["schoolName"]!.GetValue<string>()).Distinct().Count());
    }

    [Fact]
    public async Task OnlyTheSchoolItself_ImportsItsRoster()
    {
        var file = Roster.CsvOf(["周一鸣", "3", "2班", "周先生", "13911110001", ""]);
        var id3 = await _factory.OrganizationOfAsync("school3");
        await (await Roster.ImportAsync(await _factory.ClientForAsync("school4"), id3, file, dryRun: true)).AssertProblemAsync(404); // someone else's school
        await (await Roster.ImportAsync(await _factory.ClientForAsync("bureau-110105"), id3, file, dryRun: true)).AssertProblemAsync(403);
        await (await Roster.ImportAsync(await _factory.ClientForAsync("provider1"), id3, file, dryRun: true)).AssertProblemAsync(403);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Roster.ImportAsync(_factory.CreateClient(), id3, file, dryRun: true)).StatusCode);
        Assert.Equal(0, await PupilCountAsync(id3));
    }
}
