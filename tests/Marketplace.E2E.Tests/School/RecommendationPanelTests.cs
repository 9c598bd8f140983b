using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.E2E.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.E2E.Tests.School;

/// <summary>
/// Issue 16: the plan page's recommendations. school2 (西城) plans a category it has not booked this semester, on weekday
/// afternoons; provider1 offers one on campus → the panel recommends it with its reasons; school2 books it (through the API, as
/// another coordinator would) → the gap closes and the panel follows live. Before that, 西城's bureau sends its under-served schools
/// their recommendations from the monitoring page and the list appears live on school2's plan page.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class RecommendationPanelTests(Browser browser, SchoolHostFixture fixture) : IClassFixture<SchoolHostFixture>
{
    private static readonly Dictionary<string, string> Chinese = new()
    {
        ["Science"] = "科普", ["Arts"] = "文艺", ["Sports"] = "体育", ["Reading"] = "阅读", ["Labour"] = "劳动", ["Clubs"] = "兴趣小组/社团",
    };

    [SkippableFact]
    public async Task APlannedCategoryWithoutBookings_IsFilledByARecommendation_ThatLeavesLiveOnceBooked()
    {
        Skip.IfNot(Browser.Available, "Debian chromium is not installed (./test.sh installs it)");
        var token = await (await fixture.Host.CreateClient().PostAsJsonAsync("/api/auth/token", new { username = "school2", password = WebHost.Password }))
            .Content.ReadFromJsonAsync<JsonObject>();
        var schoolId = token!["organizationId"]!.GetValue<Guid>();
        var school = await fixture.ClientForAsync("school2");
        var semester = Marketplace.Core.Schools.Semester.Of(DateTimeOffset.UtcNow).Name;
        async Task PlanAsync(IEnumerable<string> categories) => (await school.PutAsJsonAsync($"/api/schools/{schoolId}/plans/{semester}", new
        {
            targetCategories = categories.ToArray(),
            windows = new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" }.Select(d => new { dayOfWeek = d, start = "15:40", end = "17:10" }),
            pupilsExpected = categories.ToDictionary(c => c, _ => 20), budgetFen = 10_000_000,
        })).EnsureSuccessStatusCode();
        await PlanAsync(Chinese.Keys);
        var booked = (await school.GetFromJsonAsync<JsonObject>($"/api/schools/{schoolId}/plans/{semester}"))!["summary"]!["pupilsByCategory"]!.AsObject()
            .Where(c => c.Value!.GetValue<int>() > 0).Select(c => c.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var category = Chinese.Keys.First(c => !booked.Contains(c));
        await PlanAsync([category]);
        var (offeringId, sessions) = await fixture.OfferingAsync("校园小农场实践课", capacity: 40, sessions: 1, priceFen: 1200, category: category);

        // The index takes the new offering through the outbox: wait until the API recommends it.
        for (var i = 0; i < 60; i++)
        {
            var found = await school.GetFromJsonAsync<JsonObject>($"/api/schools/{schoolId}/recommendations?limit=50");
            if (found!["items"]!.AsArray().Any(x => x!["offeringId"]!.GetValue<Guid>() == offeringId)) break;
            await Task.Delay(250);
        }

        await using var context = await browser.ContextAsync(fixture.Host);
        var page = await Ui.SignInAsync(context, "school2", "/school/plan");
        var item = page.Locator($"[data-testid=recommendation][data-offering='{offeringId}']");
        await Expect(item).ToBeVisibleAsync();
        await Expect(item).ToContainTextAsync($"缺少{Chinese[category]}类");
        await Expect(item).ToContainTextAsync("进校服务");
        await Expect(item).ToContainTextAsync("按20名学生约¥240.00");
        Assert.Equal($"/school/offerings/{offeringId}", await item.Locator("a").GetAttributeAsync("href"));
        await Ui.ScreenshotAsync(page, "school-recommendations");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.SetViewportSizeAsync(Browser.Phone.Width, Browser.Phone.Height);
        await Ui.ScreenshotAsync(page, "school-recommendations");

        // The district's bureau runs the recommendations for its under-served schools and sends them: the plan page shows the list
        // live, and the coordinator marks it read.
        await page.SetViewportSizeAsync(Browser.Desktop.Width, Browser.Desktop.Height);
        await using (var bureauContext = await browser.ContextAsync(fixture.Host))
        {
            var bureau = await Ui.SignInAsync(bureauContext, "bureau-110102", "/bureau/monitoring");
            await bureau.GetByTestId("run-recommendations").ClickAsync();
            await Expect(bureau.Locator($"[data-testid=under-row][data-school='{schoolId}'] [data-testid=under-recommendations]")).ToBeVisibleAsync();
            await bureau.GetByTestId("send-recommendations").ClickAsync();
            await Expect(bureau.GetByTestId("send-result")).ToContainTextAsync("已向");
        }
        var notice = page.GetByTestId("bureau-notice");
        await Expect(notice).ToBeVisibleAsync();
        await Expect(notice).ToContainTextAsync("北京市西城区教育局推荐的课程");
        await Expect(notice.GetByTestId("notice-unread")).ToBeVisibleAsync();
        Assert.True(await notice.GetByTestId("notice-item").CountAsync() >= 1);
        await Ui.ScreenshotAsync(page, "school-bureau-notice");
        await notice.GetByTestId("notice-read").ClickAsync();
        await Expect(notice.GetByTestId("notice-unread")).ToHaveCountAsync(0);

        await fixture.BookAsync("school2", sessions[0], 20);
        await Expect(page.Locator("[data-testid=no-gaps]")).ToBeVisibleAsync();
        await Expect(item).ToHaveCountAsync(0);
    }
}
