using System.Text;
using Marketplace.E2E.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Marketplace.E2E.Tests.Bureau;

/// <summary>The bureau's roster (import: dry run with its report, then apply), its district settings and the monitoring figures.</summary>
[Collection(E2ECollection.Name)]
public sealed class BureauPagesTests(Browser browser, HostFixture fixture) : IClassFixture<HostFixture>
{
    private const string Header = "学校名称,学校标识码,区县代码,地址,纬度,经度,学段,一年级,二年级,负责人,负责人电话,负责人用户名";

    private static FilePayload Csv(params string[] rows) => new()
    {
        Name = "roster.csv", MimeType = "text/csv", Buffer = new UTF8Encoding(false).GetBytes(string.Join("\r\n", [Header, .. rows]) + "\r\n"),
    };

    [SkippableFact]
    public async Task SchoolImport_DryRunShowsTheBadCellByLineAndColumn_ThenACorrectFileIsApplied_WithTheActivationCode()
    {
        Skip.IfNot(Browser.Available, "Debian chromium is not installed (./test.sh installs it)");
        await using var context = await browser.ContextAsync(fixture.Host);
        var page = await Ui.SignInAsync(context, "bureau-110105", "/bureau/schools");
        await Assertions.Expect(page.Locator("table").First).ToBeVisibleAsync();
        await Ui.ScreenshotAsync(page, "bureau-schools");
        await Axe.AssertNoSeriousViolationsAsync(page);

        const string good = "朝阳区望京实验小学,1110105901,110105,北京市朝阳区望京路 1 号,39.99,116.47,小学,120,118,赵老师,13912345678,wangjing-e2e";
        await page.SetInputFilesAsync("#roster-file", Csv(good, "朝阳区坏数据小学,1110105902,110105,北京市朝阳区某路 2 号,abc,116.47,小学,80,80,钱老师,13912345679,"));
        var report = page.Locator("[data-testid=import-report]");
        await Assertions.Expect(report).ToBeVisibleAsync(new() { Timeout = 20_000 }); // the file travels over the circuit, then the check runs
        await Ui.ScreenshotAsync(page, "bureau-schools-report");
        await Assertions.Expect(report.Locator("[data-testid=error-line]")).ToHaveTextAsync("3");
        await Assertions.Expect(report.Locator("[data-testid=error-column]")).ToHaveTextAsync("E");
        await Assertions.Expect(report.GetByRole(AriaRole.Button, new() { Name = "确认导入" })).ToHaveCountAsync(0);
        await Ui.ScreenshotAsync(page, "bureau-schools-report");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.SetInputFilesAsync("#roster-file", Csv(good));
        await Assertions.Expect(report.Locator("[data-testid=inserted]")).ToContainTextAsync("1", new() { Timeout = 20_000 });
        await report.GetByRole(AriaRole.Button, new() { Name = "确认导入" }).ClickAsync();
        await Assertions.Expect(report.Locator("h3").First).ToContainTextAsync("已导入");
        await Assertions.Expect(report.Locator("[data-testid=activation-code]")).ToHaveCountAsync(1);
        await page.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.ScreenshotAsync(page, "bureau-schools");
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    [SkippableFact]
    public async Task Settings_AndMonitoring_ShowTheDistrictAsItIs()
    {
        Skip.IfNot(Browser.Available, "Debian chromium is not installed (./test.sh installs it)");
        await using var context = await browser.ContextAsync(fixture.Host);
        var page = await Ui.SignInAsync(context, "bureau-110105", "/bureau/settings");
        await Assertions.Expect(page.Locator("[data-testid=district-110105]")).ToContainTextAsync("朝阳区");
        await Ui.ScreenshotAsync(page, "bureau-settings");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.ScreenshotAsync(page, "bureau-settings");

        await page.SetViewportSizeAsync(Browser.Desktop.Width, Browser.Desktop.Height);
        await Ui.GoAsync(page, "/bureau/monitoring");
        await Assertions.Expect(page.Locator("[data-testid=schools] dd")).Not.ToHaveTextAsync("0");
        await Assertions.Expect(page.Locator("[data-testid=providers] dd")).Not.ToHaveTextAsync("0");
        // The coverage report of 朝阳, as the API gives it, with its exports.
        var api = await new School.DemoApi(fixture.Host).ClientForAsync("bureau-110105");
        var report = System.Text.Json.Nodes.JsonNode.Parse(await api.GetStringAsync("/api/reports/coverage?district=110105"))!;
        foreach (var category in report["total"]!["current"]!["categories"]!.AsArray())
        {
            var ratio = category!["schools"]!["ratio"]!.GetValue<decimal>();
            await Assertions.Expect(page.Locator($"[data-testid=share-{category["code"]!.GetValue<string>()}]"))
                .ToHaveTextAsync((ratio * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "%");
        }
        var coverageCsv = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=coverage-csv]"));
        Assert.Contains("category.reading.share", await File.ReadAllTextAsync((await coverageCsv.PathAsync())!));
        // Under-served schools: every school of 朝阳 on the map, the list (or its absence) said, the list to send as CSV.
        await Assertions.Expect(page.Locator("[data-testid=school-map] circle").First).ToBeVisibleAsync();
        Assert.True(await page.Locator("[data-testid=school-map] circle").CountAsync() >= 3);
        await Assertions.Expect(page.Locator("[data-testid=under-table], [data-testid=none-under]").First).ToBeVisibleAsync();
        if (await page.Locator("[data-testid=under-row]").CountAsync() > 0)
        {
            await page.ClickAsync("[data-testid=run-recommendations]");
            await Assertions.Expect(page.Locator("[data-testid=under-recommendations]").First).ToBeVisibleAsync();
        }
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=under-csv]"));
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Contains("未覆盖的计划类别", csv);
        Assert.StartsWith("under-served-110105-", download.SuggestedFilename);
        await Ui.ScreenshotAsync(page, "bureau-monitoring");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.ScreenshotAsync(page, "bureau-monitoring");
        await Axe.AssertNoSeriousViolationsAsync(page);
    }
}
