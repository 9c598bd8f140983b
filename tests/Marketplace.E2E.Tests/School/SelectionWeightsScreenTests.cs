using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.E2E.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Marketplace.E2E.Tests.School;

/// <summary>
/// Issue 18, the lottery's 尚无课后活动 on the school's window page: before the close a pupil with nothing yet is marked as an estimate;
/// the close (on the page) fixes it as the flag the draw will weigh.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class SelectionWeightsScreenTests(Browser browser, HostFixture fixture) : IClassFixture<HostFixture>
{
    private const string NoBrowser = "Debian chromium is not installed (./test.sh installs it)";
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private DemoApi Api => new(fixture.Host);

    private static Task<JsonNode> Ok(HttpResponseMessage response) => DemoApi.Json(response);

    private static Task ShootAsync(IPage page, string name) => Ui.ShootBothWidthsAsync(page, name, Phone);

    [SkippableFact]
    public async Task NoActivity_IsAHintBeforeTheClose_AndTheFlagAfterIt()
    {
        Skip.IfNot(Browser.Available, NoBrowser);
        var bookingId = await Api.ConfirmedBookingAsync("围棋（抽签）", DateTimeOffset.UtcNow.AddDays(12), pupils: 2);
        var schoolApi = await Api.ClientForAsync("school1");
        var windowId = (await Ok(await schoolApi.PostAsJsonAsync("/api/selection-windows", new
        {
            title = "围棋抽签（尚无课后活动优先）", opensAt = DateTimeOffset.UtcNow.AddMinutes(-1), closesAt = DateTimeOffset.UtcNow.AddDays(2), mode = "Lottery",
            capPerPupil = 1, weights = new Dictionary<string, int> { ["no-activity"] = 2 }, termsVersion = "2026-e2e", safetyPledgeRequired = false,
            programmes = new[] { new { bookingId } },
        })))["id"]!.GetValue<Guid>();
        var guardian = await Api.ClientForAsync("guardian2");
        var pupilId = (await Ok(await guardian.GetAsync("/api/guardian/children"))).AsArray()[0]!["id"]!.GetValue<Guid>();
        await Ok(await guardian.PostAsJsonAsync($"/api/selection-windows/{windowId}/applications",
            new { pupilId, choices = new[] { bookingId }, acceptedTerms = "2026-e2e", safetyPledge = false }));

        await using var context = await browser.ContextAsync(fixture.Host);
        var school = await Ui.SignInAsync(context, "school1", $"/school/selection/{windowId}");
        await Assertions.Expect(school.Locator("[data-testid=application] [data-testid=no-activity-hint]")).ToBeVisibleAsync();
        await Assertions.Expect(school.Locator("[data-testid=application-count]")).ToHaveTextAsync("1");
        await ShootAsync(school, "school-selection-no-activity-hint");

        await school.ClickAsync("[data-testid=close-window]");
        await Assertions.Expect(school.Locator("[data-testid=window-facts]")).ToHaveAttributeAsync("data-phase", "Closed");
        await Assertions.Expect(school.Locator("[data-testid=application] [data-testid=no-activity]")).ToBeVisibleAsync();
        await Assertions.Expect(school.Locator("[data-testid=no-activity-hint]")).ToHaveCountAsync(0);
        await ShootAsync(school, "school-selection-no-activity-fixed");
    }
}
