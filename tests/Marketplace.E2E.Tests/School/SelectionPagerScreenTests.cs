using System.Net.Http.Json;
using Marketplace.Core.Families;
using Marketplace.Core.Families.Selection;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.E2E.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Marketplace.E2E.Tests.School;

/// <summary>
/// Issue 18, a school's window with more applications than one page (130; pages of 100): the pager shows the range and the total
/// and moves to the rest; after closing and drawing on the page, the result lists name every pupil — also those not on the page
/// shown. Phone and desktop screenshots, axe.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class SelectionPagerScreenTests(Browser browser, HostFixture fixture) : IClassFixture<HostFixture>
{
    private const string NoBrowser = "Debian chromium is not installed (./test.sh installs it)";
    private const int Applicants = 130;
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    [SkippableFact]
    public async Task ABigWindow_PagesItsApplications_AndTheDrawNamesEveryPupil()
    {
        Skip.IfNot(Browser.Available, NoBrowser);
        var api = new DemoApi(fixture.Host);
        var bookingId = await api.ConfirmedBookingAsync("科学实验（翻页）", DateTimeOffset.UtcNow.AddDays(13), pupils: 2);
        var schoolApi = await api.ClientForAsync("school1");
        var windowId = (await DemoApi.Json(await schoolApi.PostAsJsonAsync("/api/selection-windows", new
        {
            title = "科学实验抽签（翻页）", opensAt = DateTimeOffset.UtcNow.AddMinutes(-1), closesAt = DateTimeOffset.UtcNow.AddDays(2), mode = "Lottery",
            capPerPupil = 1, termsVersion = "2026-e2e", safetyPledgeRequired = false, programmes = new[] { new { bookingId } },
        })))["id"]!.GetValue<Guid>();

        // 130 applications, already reviewed, written through the store (130 guardians choosing on pages is not what this checks).
        var store = fixture.Host.Services.GetRequiredService<IMarketplaceStore>();
        var window = (await store.FindAsync<SelectionWindow>(windowId))!;
        var now = DateTimeOffset.UtcNow;
        var changes = new StoreChanges();
        var names = new List<string>();
        for (var n = 0; n < Applicants; n++)
        {
            var user = User.DemoGuardian($"pager-guardian-{n}", "unused", $"136{n:D8}", $"家长{n}");
            var pupil = Pupil.Create(window.SchoolId, window.DistrictCode, $"翻页学生{n:D3}", 3, "1班", user.Id, user.Phone!, false, now);
            var application = SelectionApplication.Submit(window, pupil, user.Id, [bookingId], "2026-e2e", false, now.AddMilliseconds(n), "家长");
            application.Review(ReviewStep.Class, true, null, now, "班主任");
            application.Review(ReviewStep.School, true, null, now, "学校");
            changes.Insert(user).Insert(pupil).Insert(application);
            names.Add(pupil.Name);
        }
        await store.CommitAsync(changes);

        await using var context = await browser.ContextAsync(fixture.Host);
        var school = await Ui.SignInAsync(context, "school1", $"/school/selection/{windowId}");
        await Ui.WaitInteractiveAsync(school);
        var rows = school.Locator("[data-testid=application]");
        await Assertions.Expect(rows).ToHaveCountAsync(100);
        await Assertions.Expect(school.Locator("[data-testid=page-range]")).ToHaveTextAsync("第 1–100 份，共 130 份");
        await Assertions.Expect(school.Locator("[data-testid=previous-page]")).ToBeDisabledAsync();
        await school.ClickAsync("[data-testid=next-page]");
        await Assertions.Expect(rows).ToHaveCountAsync(Applicants - 100);
        await Assertions.Expect(school.Locator("[data-testid=page-range]")).ToHaveTextAsync("第 101–130 份，共 130 份");
        await Assertions.Expect(school.Locator("[data-testid=next-page]")).ToBeDisabledAsync();
        await Ui.ShootBothWidthsAsync(school, "school-selection-pager", Phone);

        // Back to the first page, then close and draw there: 2 placed, 128 waiting, each named — not an id's first 8 characters.
        await school.ClickAsync("[data-testid=previous-page]");
        await Assertions.Expect(rows).ToHaveCountAsync(100);
        await school.ClickAsync("[data-testid=close-window]");
        await Assertions.Expect(school.Locator("[data-testid=window-facts]")).ToHaveAttributeAsync("data-phase", "Closed");
        await school.ClickAsync("[data-testid=draw]");
        await Assertions.Expect(school.Locator("[data-testid=window-facts]")).ToHaveAttributeAsync("data-phase", "Drawn");
        var result = school.Locator($"[data-testid=result-programme][data-id='{bookingId}']");
        await Assertions.Expect(result.Locator("[data-testid=placed-pupil]")).ToHaveCountAsync(2);
        await Assertions.Expect(result.Locator("[data-testid=waiting-pupil]")).ToHaveCountAsync(Applicants - 2);
        var listed = (await result.Locator("[data-testid=placed-pupil], [data-testid=waiting-pupil]").AllTextContentsAsync())
            .Select(t => t.Trim().Split(' ')[0]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(names, listed);
        await Ui.ShootBothWidthsAsync(school, "school-selection-drawn-names", Phone);
    }
}
