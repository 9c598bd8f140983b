using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.E2E.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Marketplace.E2E.Tests.School;

/// <summary>
/// Issue 18's school and provider screens: the school opens a lottery selection window in the browser, sees a guardian's
/// application (made through the API) arrive live, reviews it, closes and draws and reads the result with its audit; a provider
/// teacher takes a roll call and the school's page shows the attendance live.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class FamiliesScreensTests(Browser browser, HostFixture fixture) : IClassFixture<HostFixture>
{
    private const string NoBrowser = "Debian chromium is not installed (./test.sh installs it)";

    /// <summary>The width the issue asks the school's screens to be usable at.</summary>
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private DemoApi Api => new(fixture.Host);

    private static Task ShootAsync(IPage page, string name) => Ui.ShootBothWidthsAsync(page, name, Phone);

    [SkippableFact]
    public async Task School_OpensALottery_SeesAnApplicationLive_ReviewsClosesAndDraws()
    {
        Skip.IfNot(Browser.Available, NoBrowser);
        var bookingId = await Api.ConfirmedBookingAsync("机器人编程（选课）", DateTimeOffset.UtcNow.AddDays(10), pupils: 6);
        var guardian = await Api.ClientForAsync("guardian1");
        var child = (await DemoApi.Json(await guardian.GetAsync("/api/guardian/children"))).AsArray()[0]!;
        var pupilId = child["id"]!.GetValue<Guid>();
        var pupilName = child["name"]!.GetValue<string>();

        await using var context = await browser.ContextAsync(fixture.Host);
        var school = await Ui.SignInAsync(context, "school1", "/school/selection");
        await school.ClickAsync("[data-testid=open-window]");
        var form = school.Locator("[data-testid=open-form]");
        await form.Locator("#w-title").FillAsync("四年级下学期选课（测试）");
        await form.Locator("#w-terms").FillAsync("2026-e2e");
        await form.Locator("[data-testid=mode-Lottery]").CheckAsync();
        await form.Locator("#weight-hardship").FillAsync("3");
        await form.Locator($"[data-testid=candidate][data-id='{bookingId}'] input[type=checkbox]").CheckAsync();
        await form.Locator($"[data-testid=candidate][data-id='{bookingId}'] input[type=number]").FillAsync("4");
        await ShootAsync(school, "school-selection-open");
        await school.ClickAsync("[data-testid=open-submit]");
        var commitment = await school.Locator("[data-testid=opened] [data-testid=seed-commitment]").TextContentAsync();
        Assert.Matches("^[0-9a-f]{64}$", commitment);
        await school.ClickAsync("[data-testid=opened-link]");
        await Ui.WaitInteractiveAsync(school);
        await Assertions.Expect(school.Locator("[data-testid=window-facts]")).ToHaveAttributeAsync("data-phase", "Open");
        var windowId = Guid.Parse(school.Url.Split('/')[^1]);

        // A guardian applies through the API: the school's page shows it without a reload.
        await DemoApi.Json(await guardian.PostAsJsonAsync($"/api/selection-windows/{windowId}/applications",
            new { pupilId, choices = new[] { bookingId }, acceptedTerms = "2026-e2e", safetyPledge = false }));
        var application = school.Locator("[data-testid=application]");
        await Assertions.Expect(application).ToHaveCountAsync(1);
        await Assertions.Expect(application).ToContainTextAsync(pupilName);
        await Assertions.Expect(application).ToHaveAttributeAsync("data-status", "Submitted");

        // 班级审核 then 学校复核.
        await application.Locator("[data-testid=class-approve]").ClickAsync();
        await Assertions.Expect(application).ToHaveAttributeAsync("data-status", "ClassApproved");
        await ShootAsync(school, "school-selection-window");
        await application.Locator("[data-testid=school-approve]").ClickAsync();
        await Assertions.Expect(application).ToHaveAttributeAsync("data-status", "SchoolApproved");

        // Close early, draw, read the result and the audit.
        await school.ClickAsync("[data-testid=close-window]");
        await Assertions.Expect(school.Locator("[data-testid=window-facts]")).ToHaveAttributeAsync("data-phase", "Closed");
        await school.ClickAsync("[data-testid=draw]");
        await Assertions.Expect(school.Locator("[data-testid=window-facts]")).ToHaveAttributeAsync("data-phase", "Drawn");
        var result = school.Locator($"[data-testid=result-programme][data-id='{bookingId}']");
        await Assertions.Expect(result.Locator("[data-testid=placed-pupil]")).ToHaveCountAsync(1);
        await Assertions.Expect(result.Locator("[data-testid=placed-pupil]")).ToContainTextAsync(pupilName);
        await Assertions.Expect(school.Locator("[data-testid=check]")).ToHaveAttributeAsync("data-ok", "true");
        await Assertions.Expect(school.Locator("[data-testid=seed-matches]")).ToHaveClassAsync("placed");
        var seed = await school.Locator("[data-testid=audit] [data-testid=seed]").TextContentAsync();
        Assert.Equal(commitment, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed!))));
        await ShootAsync(school, "school-selection-result");

        // The guardian reads the same placement through the API.
        var mine = (await DemoApi.Json(await guardian.GetAsync($"/api/selection-windows/{windowId}/applications/mine"))).AsArray();
        Assert.Equal(bookingId, mine.Single()!["placements"]!.AsArray().Single()!["programmeId"]!.GetValue<Guid>());
        Assert.Empty(browser.ExternalRequests);
    }

    [SkippableFact]
    public async Task ProviderTeacher_TakesTheRollCall_AndTheSchoolSeesItLive()
    {
        Skip.IfNot(Browser.Available, NoBrowser);
        var start = DemoApi.WholeSecondsFromNow(TimeSpan.FromSeconds(40));
        var bookingId = await Api.ConfirmedBookingAsync("少儿编程（点名）", start, pupils: 5);
        var schoolApi = await Api.ClientForAsync("school1");
        var schoolId = (await DemoApi.Json(await schoolApi.GetAsync("/api/bookings/" + bookingId)))["schoolId"]!.GetValue<Guid>();
        var consented = (await DemoApi.Json(await schoolApi.GetAsync($"/api/schools/{schoolId}/pupils?limit=100"))).AsArray()
            .Where(p => p!["consentVersion"] is not null).Take(3).ToList();
        Assert.Equal(3, consented.Count);
        await DemoApi.Json(await schoolApi.PutAsJsonAsync($"/api/bookings/{bookingId}/pupils", new { pupilIds = consented.Select(p => p!["id"]!.GetValue<Guid>()) }));
        var absentName = consented[1]!["name"]!.GetValue<string>();

        await using var schoolContext = await browser.ContextAsync(fixture.Host);
        await using var providerContext = await browser.ContextAsync(fixture.Host);
        var provider = await Ui.SignInAsync(providerContext, "provider1", $"/provider/bookings/{bookingId}/roll-call");
        // Before the start the sheet is read-only and says why — checked when the page was shown before the start: on a loaded
        // machine the setup above can outlast the 40 s lead, and then the sheet is rightly editable.
        if (DateTimeOffset.UtcNow < start - TimeSpan.FromSeconds(2))
            Assert.Equal(0, await provider.Locator("[data-testid=roll-save]").CountAsync());
        var wait = start - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);

        var school = await Ui.SignInAsync(schoolContext, "school1", $"/school/bookings/{bookingId}/roll-call");
        await Assertions.Expect(school.Locator("[data-testid=roll-summary]")).ToHaveAttributeAsync("data-unmarked", "3");
        await Ui.GoAsync(provider, "/provider/requests");
        await provider.Locator($"[data-testid=delivery][data-id='{bookingId}'] [data-testid=roll-call]").ClickAsync();
        await Ui.WaitInteractiveAsync(provider);
        var pupils = provider.Locator("[data-testid=roll-pupil]");
        await Assertions.Expect(pupils).ToHaveCountAsync(3);
        await Assertions.Expect(provider.Locator("body")).Not.ToContainTextAsync("138000"); // never a guardian's phone
        await provider.ClickAsync("[data-testid=all-present]");
        await pupils.Filter(new() { HasText = absentName }).Locator("[data-testid=mark-absent]").CheckAsync();
        await provider.ClickAsync("[data-testid=roll-save]");
        await Assertions.Expect(provider.Locator("[data-testid=roll-saved]")).ToBeVisibleAsync();
        await Assertions.Expect(provider.Locator("[data-testid=roll-summary]")).ToHaveAttributeAsync("data-present", "2");
        await Assertions.Expect(provider.Locator("[data-testid=roll-taken]")).ToContainTextAsync("provider1");
        await ShootAsync(provider, "provider-roll-call");

        // Saving with nothing changed is the API's 400 (no marks), shown as its message.
        await provider.ClickAsync("[data-testid=roll-save]");
        await Assertions.Expect(provider.Locator("[data-testid=problem]")).ToBeVisibleAsync();

        // The school's open page follows without a reload: 2 present, 1 absent, taken by the provider.
        var summary = school.Locator("[data-testid=roll-summary]");
        await Assertions.Expect(summary).ToHaveAttributeAsync("data-present", "2");
        await Assertions.Expect(summary).ToHaveAttributeAsync("data-absent", "1");
        await Assertions.Expect(school.Locator("[data-testid=roll-pupil]").Filter(new() { HasText = absentName })).ToHaveAttributeAsync("data-mark", "False");
        await ShootAsync(school, "school-roll-call");
        Assert.Empty(browser.ExternalRequests);
    }

    [SkippableFact]
    public async Task School_ImportsItsRoster_AndReissuesAGuardiansCode()
    {
        Skip.IfNot(Browser.Available, NoBrowser);
        await using var context = await browser.ContextAsync(fixture.Host);
        var school = await Ui.SignInAsync(context, "school2", "/school/pupils");
        var roster = "姓名,年级,班级,监护人姓名,监护人手机\n测试学生甲,3,2班,甲家长,13912340001\n测试学生乙,4年级,1班,乙家长,139 1234 0002\n";
        await school.Locator("#roster-file").SetInputFilesAsync(new FilePayload { Name = "pupils.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(roster) });
        var report = school.Locator("[data-testid=import-report]");
        await Assertions.Expect(report).ToHaveAttributeAsync("data-dry-run", "true");
        await Assertions.Expect(report.Locator("[data-testid=created]")).ToContainTextAsync("2");
        await school.ClickAsync("[data-testid=import-apply]");
        await Assertions.Expect(report).ToHaveAttributeAsync("data-dry-run", "false");
        await Assertions.Expect(report.Locator("[data-testid=activation-code]")).ToHaveCountAsync(2);
        var row = school.Locator("[data-testid=pupil]", new() { HasText = "测试学生甲" });
        await Assertions.Expect(row).ToContainTextAsync("13912340001");
        await row.Locator("[data-testid=reissue]").ClickAsync();
        await Assertions.Expect(school.Locator("[data-testid=reissued-code]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^\\S{16}$"));
        await ShootAsync(school, "school-pupils");

        // A bad row is reported by line and column, and nothing is written.
        await school.Locator("#roster-file").SetInputFilesAsync(new FilePayload { Name = "bad.csv", MimeType = "text/csv",
            Buffer = System.Text.Encoding.UTF8.GetBytes("姓名,年级,班级,监护人姓名,监护人手机\n测试学生丙,3,2班,丙家长,12345\n") });
        await Assertions.Expect(report.Locator("[data-testid=import-error]")).ToHaveCountAsync(1);
        await Assertions.Expect(report.Locator("[data-testid=import-apply]")).ToHaveCountAsync(0);
        Assert.Empty(browser.ExternalRequests);
    }
}
