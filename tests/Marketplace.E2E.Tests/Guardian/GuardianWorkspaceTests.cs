using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Marketplace.E2E.Tests.Infrastructure;
using Marketplace.E2E.Tests.School;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.E2E.Tests.Guardian;

/// <summary>
/// The guardian workspace on phone-width pages (390 px): a guardian the school just put on its roster activates with the school's
/// code and the SMS code (read from the Development code sender's log line), lands on its child and consents; two guardians choose
/// in a lottery window the school opens through the API, the school's reviews and the draw reach both pages without a reload.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class GuardianWorkspaceTests(Browser browser, GuardianHostFixture fixture) : IClassFixture<GuardianHostFixture>
{
    private const string SkipReason = "Debian chromium is not installed (./test.sh installs it)";

    /// <summary>A common phone's width (the issue's 390 px).</summary>
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    [SkippableFact]
    public async Task AGuardianActivatesOnAPhone_SeesTheChild_AndConsents()
    {
        Skip.IfNot(Browser.Available, SkipReason);
        const string phone = "13912345678";
        var activationCode = await fixture.RosterAsync("school1", "陈小明", 4, "2班", "陈女士", phone);

        await using var context = await browser.ContextAsync(fixture.Host, Phone);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.ClickAsync("[data-testid=activate-link]");
        await Expect(page).ToHaveURLAsync(new Regex("/guardian/activate$"));
        await page.FillAsync("#f-phone", phone);
        await page.FillAsync("#f-activation-code", activationCode);
        await Ui.ScreenshotAsync(page, "guardian-activate");
        await page.ClickAsync("[data-testid=send-code]");
        await Expect(page.Locator("#f-phone-code")).ToBeVisibleAsync();
        var code = fixture.CodeSentTo(phone);
        Assert.Matches("^[0-9]{6}$", code);

        // A wrong SMS code is the API's refusal, in place; the right one activates and signs in.
        var wrong = ((int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        await page.FillAsync("#f-phone-code", wrong);
        await page.FillAsync("#f-password", "Qiao-Chen#2026");
        await page.FillAsync("#f-repeat", "Qiao-Chen#2026");
        await page.ClickAsync("[data-testid=activate-submit]");
        await Expect(page.Locator("[data-testid=problem]")).ToHaveAttributeAsync("data-code", "guardian-activation-invalid");
        await page.FillAsync("#f-phone-code", code);
        await page.FillAsync("#f-password", "Qiao-Chen#2026");
        await page.FillAsync("#f-repeat", "Qiao-Chen#2026");
        await page.ClickAsync("[data-testid=activate-submit]");
        await Expect(page).ToHaveURLAsync(new Regex("/guardian$"));
        await Ui.WaitInteractiveAsync(page);

        var child = page.Locator("[data-testid=child]", new() { HasText = "陈小明" });
        await Expect(child).ToContainTextAsync("4年级");
        await Expect(child).ToContainTextAsync("2班");
        // Consent is required before a provider sees anything, and the page says so.
        await Expect(child.Locator("[data-testid=consent]")).ToHaveAttributeAsync("data-consented", "false");
        await Expect(page.Locator("[data-testid=consent-why]")).ToContainTextAsync("同意后");
        await Expect(child.Locator("[data-testid=bills-link]")).ToHaveAttributeAsync("href", new Regex("/guardian/children/[0-9a-f-]{36}/bills$"));
        // school1's open demo window is offered for the child.
        await Expect(child.Locator("[data-testid=window]").First).ToContainTextAsync("选课中");
        await AssertNoHorizontalScrollAsync(page);
        await Ui.ScreenshotAsync(page, "guardian-home-consent");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await child.Locator("[data-testid=give-consent]").ClickAsync();
        await Expect(child.Locator("[data-testid=consent]")).ToHaveAttributeAsync("data-consented", "true");
        await Expect(child.Locator("[data-testid=withdraw-consent]")).ToBeVisibleAsync();
        await Ui.ScreenshotAsync(page, "guardian-home");
        await page.SetViewportSizeAsync(Browser.Desktop.Width, Browser.Desktop.Height);
        await Ui.ScreenshotAsync(page, "guardian-home");
        // English from the same resources.
        await Ui.SwitchLanguageAsync(page);
        await Expect(page.Locator("h1")).ToHaveTextAsync("My children");
        await Expect(child.Locator("[data-testid=consent]")).ToContainTextAsync("Consent given");
        await Expect(child.Locator("[data-testid=child-school]")).ToContainTextAsync("2班");

        // Attendance: no roll call yet (the child's sessions have not started); another child's page is not found.
        await child.Locator("[data-testid=attendance-link]").ClickAsync();
        await Expect(page.Locator("[data-testid=no-attendance]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=present-count]")).ToHaveTextAsync("0");
        await Ui.GoAsync(page, $"/guardian/children/{Guid.NewGuid()}/attendance");
        await Expect(page.Locator("[data-testid=problem]")).ToHaveAttributeAsync("data-code", "not-found");

        // The phone and the new password sign in from now on.
        await using var again = await browser.ContextAsync(fixture.Host, Phone);
        var signedIn = await Ui.SignInAsync(again, phone, password: "Qiao-Chen#2026");
        await Expect(signedIn).ToHaveURLAsync(new Regex("/guardian$"));
        await Expect(signedIn.Locator("[data-testid=child]", new() { HasText = "陈小明" })).ToBeVisibleAsync();
        Assert.Empty(browser.ExternalRequests);
    }

    [SkippableFact]
    public async Task TwoGuardiansChooseOnPhones_TheSchoolReviewsAndDraws_BothPagesShowTheResultWithoutReload()
    {
        Skip.IfNot(Browser.Available, SkipReason);
        var school = await fixture.Api.ClientForAsync("school1");
        var (windowId, programmeId, programme, trip) = await fixture.LotteryWindowAsync(school);
        var (first, second) = await fixture.TwoGuardiansForAsync(programme);

        await using var context1 = await browser.ContextAsync(fixture.Host, Phone);
        await using var context2 = await browser.ContextAsync(fixture.Host, Phone);
        var pages = new List<IPage>();
        foreach (var (context, guardian) in new[] { (context1, first), (context2, second) })
        {
            var page = await Ui.SignInAsync(context, guardian.Username);
            await Expect(page).ToHaveURLAsync(new Regex("/guardian$"));
            await page.Locator($"[data-testid=child][data-id='{guardian.PupilId}'] [data-testid=window][data-id='{windowId}'] a").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex($"/guardian/windows/{windowId}/children/{guardian.PupilId}$"));
            await Ui.WaitInteractiveAsync(page);
            var card = page.Locator($"[data-testid=programme][data-id='{programmeId}']");
            await Expect(card.Locator("[data-testid=free-seats]")).ToContainTextAsync("名额 1 个");
            await card.Locator("[data-testid=add]").ClickAsync();
            await Expect(card.Locator("[data-testid=rank]")).ToHaveTextAsync("第 1 志愿");
            if (pages.Count == 0)
            {
                // A refusal is the API's message next to what it concerns: the terms not accepted.
                await page.ClickAsync("[data-testid=submit]");
                await Expect(page.Locator("[data-testid=error-acceptedTerms]")).ToContainTextAsync("2026-e2e");
                await Ui.ScreenshotAsync(page, "guardian-choose");
            }
            await page.CheckAsync("[data-testid=accept-terms]");
            if (trip) await page.CheckAsync("[data-testid=safety-pledge]");
            await page.ClickAsync("[data-testid=submit]");
            await Expect(page.Locator("[data-testid=application]")).ToHaveAttributeAsync("data-status", "Submitted");
            await Expect(page.Locator("[data-testid=steps] [data-step=class]")).ToHaveAttributeAsync("data-state", "pending");
            await page.EvaluateAsync("() => window.__notReloaded = true");
            pages.Add(page);
        }
        await AssertNoHorizontalScrollAsync(pages[0]);
        await Ui.ScreenshotAsync(pages[0], "guardian-applied");

        // While the window is open a guardian may withdraw (the choices stay on the form) and submit again.
        await pages[1].ClickAsync("[data-testid=withdraw]");
        await Expect(pages[1].Locator("[data-testid=application]")).ToHaveAttributeAsync("data-status", "Withdrawn");
        await Expect(pages[1].Locator($"[data-testid=programme][data-id='{programmeId}'] [data-testid=rank]")).ToHaveTextAsync("第 1 志愿");
        await pages[1].CheckAsync("[data-testid=accept-terms]");
        if (trip) await pages[1].CheckAsync("[data-testid=safety-pledge]");
        await pages[1].ClickAsync("[data-testid=submit]");
        await Expect(pages[1].Locator("[data-testid=application]")).ToHaveAttributeAsync("data-status", "Submitted");

        // 班级审核 and 学校复核 by the school (its screens are another page's): each step reaches both pages live.
        var applications = (await fixture.JsonAsync(await school.GetAsync($"/api/selection-windows/{windowId}/applications"))).AsArray();
        Assert.Equal(2, applications.Count);
        foreach (var a in applications)
            await fixture.JsonAsync(await school.PostAsJsonAsync($"/api/selection-windows/{windowId}/applications/{a!["id"]}/class-review", new { approve = true }));
        foreach (var page in pages)
            await Expect(page.Locator("[data-testid=steps] [data-step=class]")).ToHaveAttributeAsync("data-state", "done", new() { Timeout = 5000 });
        foreach (var a in applications)
            await fixture.JsonAsync(await school.PostAsJsonAsync($"/api/selection-windows/{windowId}/applications/{a!["id"]}/school-review", new { approve = true }));
        foreach (var page in pages)
            await Expect(page.Locator("[data-testid=application]")).ToHaveAttributeAsync("data-status", "SchoolApproved", new() { Timeout = 5000 });

        await fixture.JsonAsync(await school.PostAsync($"/api/selection-windows/{windowId}/close", null));
        var draw = await fixture.JsonAsync(await school.PostAsync($"/api/selection-windows/{windowId}/draw", null));
        var seed = draw["seed"]!.GetValue<string>();
        var winner = draw["result"]!["placements"]![0]!["pupilId"]!.GetValue<Guid>();

        // One seat, two children: one placed, the other first on the waiting list — on both pages, without a reload.
        foreach (var (page, guardian) in pages.Zip([first, second]))
        {
            if (guardian.PupilId == winner)
                await Expect(page.Locator($"[data-testid=placement][data-programme='{programmeId}']")).ToBeVisibleAsync(new() { Timeout = 5000 });
            else
                await Expect(page.Locator($"[data-testid=waiting][data-programme='{programmeId}']")).ToHaveAttributeAsync("data-position", "1", new() { Timeout = 5000 });
            await Expect(page.Locator("[data-testid=audit-seed]")).ToHaveTextAsync(seed);
            await Expect(page.Locator("[data-testid=audit-check]")).ToContainTextAsync("一致");
            await Expect(page.Locator("[data-testid=audit-digest]")).ToHaveTextAsync(Sha256Hex($"{seed}:{guardian.PupilId:D}"));
            Assert.True(await page.EvaluateAsync<bool>("() => window.__notReloaded === true"));
        }
        var loser = pages[first.PupilId == winner ? 1 : 0];
        await AssertNoHorizontalScrollAsync(loser);
        await Ui.ScreenshotAsync(loser, "guardian-result");
        await Axe.AssertNoSeriousViolationsAsync(loser);
        await loser.SetViewportSizeAsync(Browser.Desktop.Width, Browser.Desktop.Height);
        await Ui.ScreenshotAsync(loser, "guardian-result");
        Assert.Empty(browser.ExternalRequests);
    }

    [SkippableFact]
    public async Task FirstCome_SeatsLeftDropLive_WhenAnotherGuardianApplies_ThenThisGuardianIsPlacedOnSubmitting()
    {
        Skip.IfNot(Browser.Available, SkipReason);
        var school = await fixture.Api.ClientForAsync("school1");
        var demo = (await fixture.JsonAsync(await school.GetAsync("/api/selection-windows"))).AsArray().First(w => w!["mode"]!.GetValue<string>() == "FirstCome")!;
        var windowId = demo["id"]!.GetValue<Guid>();
        var programme = demo["programmes"]![0]!;
        var programmeId = programme["programmeId"]!.GetValue<Guid>();
        // Guardians the lottery test does not use (a place there on the same session would clash with this one).
        var (other, watcher) = await fixture.TwoGuardiansForAsync(programme, skip: 2);

        await using var context = await browser.ContextAsync(fixture.Host, Phone);
        var page = await Ui.SignInAsync(context, watcher.Username, $"/guardian/windows/{windowId}/children/{watcher.PupilId}");
        var seats = page.Locator($"[data-testid=programme][data-id='{programmeId}'] [data-testid=free-seats]");
        await Expect(seats).ToContainTextAsync("剩余");
        var before = int.Parse((await seats.GetAttributeAsync("data-free"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(before >= 2, $"the demo window's programme has {before} seats left");
        await page.EvaluateAsync("() => window.__notReloaded = true");

        var client = await fixture.Api.ClientForAsync(other.Username);
        var applied = await fixture.JsonAsync(await client.PostAsJsonAsync($"/api/selection-windows/{windowId}/applications",
            new { pupilId = other.PupilId, choices = new[] { programmeId }, acceptedTerms = "2026-demo", safetyPledge = true }));
        Assert.Single(applied["placements"]!.AsArray());
        await Expect(seats).ToHaveAttributeAsync("data-free", (before - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 5000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.__notReloaded === true"));

        await page.Locator($"[data-testid=programme][data-id='{programmeId}'] [data-testid=add]").ClickAsync();
        await page.CheckAsync("[data-testid=accept-terms]");
        if (programme["needsSafetyPledge"]!.GetValue<bool>()) await page.CheckAsync("[data-testid=safety-pledge]");
        await page.ClickAsync("[data-testid=submit]");
        await Expect(page.Locator($"[data-testid=placement][data-programme='{programmeId}']")).ToBeVisibleAsync();
        await Expect(seats).ToHaveAttributeAsync("data-free", (before - 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await AssertNoHorizontalScrollAsync(page);
        await Ui.ScreenshotAsync(page, "guardian-first-come");
    }

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static async Task AssertNoHorizontalScrollAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            $"horizontal scroll at {page.ViewportSize?.Width} px on {page.Url}");
}

/// <summary>One host for the guardian tests, the school's data made through the JSON API, and the SMS codes the host logs.</summary>
public sealed class GuardianHostFixture : IDisposable
{
    private readonly CodeLog _codes = new();

    public GuardianHostFixture()
    {
        Api = new DemoApi(Host);
        // Development's code sender writes each one-time code to the log: a provider added now hears it (as a developer reads it).
        Host.Services.GetRequiredService<ILoggerFactory>().AddProvider(_codes);
    }

    public WebHost Host { get; } = new();

    public DemoApi Api { get; }

    public void Dispose() => Host.Dispose();

    /// <summary>The last one-time code logged for this phone.</summary>
    public string CodeSentTo(string phone) =>
        _codes.Lines.Reverse().Select(l => Regex.Match(l, $@"for {phone}: (\d{{6}})")).FirstOrDefault(m => m.Success)?.Groups[1].Value
        ?? throw new Xunit.Sdk.XunitException($"no code logged for {phone}");

    /// <summary>The school imports one pupil with a new guardian; the guardian's activation code.</summary>
    public async Task<string> RosterAsync(string schoolUser, string name, int grade, string className, string guardianName, string phone)
    {
        var client = Host.CreateClient();
        var token = await JsonAsync(await client.PostAsJsonAsync("/api/auth/token", new { username = schoolUser, password = WebHost.Password }));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token["accessToken"]!.GetValue<string>());
        var csv = $"姓名,年级,班级,监护人姓名,监护人手机\n{name},{grade},{className},{guardianName},{phone}\n";
        var imported = await JsonAsync(await client.PostAsync($"/api/schools/{token["organizationId"]}/pupils/import?dryRun=false",
            new StringContent(csv, Encoding.UTF8, "text/csv")));
        return imported["activations"]![0]!["code"]!.GetValue<string>();
    }

    /// <summary>
    /// school1 opens a lottery window (terms 2026-e2e, safety pledge on) over one seat of the first programme of its demo window (a
    /// confirmed booking): the window, the programme's id and JSON, and whether it is a trip.
    /// </summary>
    public async Task<(Guid WindowId, Guid ProgrammeId, JsonNode Programme, bool Trip)> LotteryWindowAsync(HttpClient school)
    {
        var demo = (await JsonAsync(await school.GetAsync("/api/selection-windows"))).AsArray().First(w => w!["mode"]!.GetValue<string>() == "FirstCome")!;
        var bookingId = demo["programmes"]![0]!["bookingIds"]![0]!.GetValue<Guid>();
        var now = DateTimeOffset.UtcNow;
        var window = await JsonAsync(await school.PostAsJsonAsync("/api/selection-windows", new
        {
            title = "抽签选课（浏览器测试）", opensAt = now.AddMinutes(-1), closesAt = now.AddHours(2), mode = "Lottery", capPerPupil = 1,
            termsVersion = "2026-e2e", safetyPledgeRequired = true, programmes = new[] { new { bookingId, seats = 1 } },
        }));
        var programme = window["programmes"]![0]!;
        return (window["id"]!.GetValue<Guid>(), programme["programmeId"]!.GetValue<Guid>(), programme, programme["needsSafetyPledge"]!.GetValue<bool>());
    }

    /// <summary>Two demo guardians of school1 with one child each whose grade the programme admits (after the first <paramref name="skip"/> such).</summary>
    public async Task<(DemoGuardian First, DemoGuardian Second)> TwoGuardiansForAsync(JsonNode programme, int skip = 0)
    {
        var grades = programme["grades"]!.AsArray().Select(g => g!.GetValue<int>()).ToList();
        var found = new List<DemoGuardian>();
        for (var i = 1; i <= 20 && found.Count < skip + 2; i++)
        {
            if (i == 5 || i % 4 == 0) continue; // one child each, in school1
            var client = await Api.ClientForAsync($"guardian{i}");
            var children = (await JsonAsync(await client.GetAsync("/api/guardian/children"))).AsArray();
            var child = children[0]!;
            if (grades.Count == 0 || grades.Contains(child["grade"]!.GetValue<int>()))
                found.Add(new DemoGuardian($"guardian{i}", child["id"]!.GetValue<Guid>()));
        }
        Assert.True(found.Count == skip + 2, $"{skip + 2} demo guardians of school1 with a child in grades {string.Join(",", grades)}");
        return (found[skip], found[skip + 1]);
    }

    public async Task<JsonNode> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {text}");
        return JsonNode.Parse(text)!;
    }

    private sealed class CodeLog : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName.EndsWith("LogCodeSender", StringComparison.Ordinal) ? Lines : null);

        public void Dispose() { }

        private sealed class Logger(ConcurrentQueue<string>? lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => lines is not null;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines?.Enqueue(formatter(state, exception));
        }
    }
}

public sealed record DemoGuardian(string Username, Guid PupilId);
