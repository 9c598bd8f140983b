using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Catalog;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Tests.Reports;

/// <summary>
/// The demo as `dotnet run` seeds it (Marketplace:SeedDemoHistory on, as in Development by default): the past weeks' sessions were
/// delivered, so a bureau opening its monitoring page sees figures, and the school that delivered nothing yet is under-served.
/// 海淀 (110108) holds school4 (nothing delivered) and school16 (deliveries): the report and the lists agree with the bookings.
/// </summary>
public sealed class DemoHistoryTests : IDisposable
{
    private readonly MarketplaceFactory _factory = new(new Dictionary<string, string?> { ["Marketplace:SeedDemoHistory"] = "true" });

    public void Dispose() => _factory.Dispose();

    private static string ChinaSemesterNow() => Semester.Of(DateTimeOffset.UtcNow).Name;

    private static System.Text.Json.Nodes.JsonArray Items(System.Text.Json.Nodes.JsonNode page) => page as System.Text.Json.Nodes.JsonArray ?? page["items"]!.AsArray();

    [Fact]
    public async Task ThePastWeeksAreDeliveredAndSettled_TheDashboardHasFigures_AndTheSchoolWithoutDeliveriesIsUnderServed()
    {
        var lastWeek = ChinaTime.Today(TimeProvider.System).AddDays(-7);
        var semester = Semester.Of(ChinaTime.FromLocal(lastWeek, new TimeOnly(16, 0))).Name;
        var bureau = await _factory.ClientForAsync("bureau-110108");

        // school16 delivered: completed bookings, every one older than its dispute window confirmed by the school and settled.
        var school16 = await _factory.ClientForAsync("school16");
        var completed = Items(await school16.GetJsonAsync("/api/bookings?status=Completed&limit=200"));
        Assert.NotEmpty(completed);
        Assert.All(completed, b => Assert.True(b!["sessionStartsAt"]!.GetValue<DateTimeOffset>() < DateTimeOffset.UtcNow));
        var settled = completed.Where(b => b!["delivery"]!["status"]!.GetValue<string>() == "Confirmed").ToList();
        Assert.NotEmpty(settled);
        Assert.All(settled, b => Assert.True(b!["delivery"]!["disputeBy"]!.GetValue<DateTimeOffset>() < DateTimeOffset.UtcNow));
        var ledger = Items(await bureau.GetJsonAsync("/api/ledger?limit=500"));
        Assert.Contains(ledger, t => t!["kind"]!.GetValue<string>() == "Settlement");

        // school4 delivered nothing: no completed booking, and under half the district's median participation.
        var school4 = await _factory.ClientForAsync("school4");
        Assert.Empty(Items(await school4.GetJsonAsync("/api/bookings?status=Completed&limit=200")));
        var under = await bureau.GetJsonAsync($"/api/reports/under-served?semester={semester}");
        Assert.True(under["medianParticipation"]!.GetValue<decimal>() > 0);
        var school4Id = await _factory.OrganizationOfAsync("school4");
        var standing = under["underServed"]!.AsArray().Single(s => s!["schoolId"]!.GetValue<Guid>() == school4Id)!;
        Assert.True(standing["lowParticipation"]!.GetValue<bool>());

        // Recommendations name the providers' delivery record: "已交付N场" for those with completed bookings, counted by the store.
        var recommended = (await school4.GetJsonAsync($"/api/schools/{school4Id}/recommendations?semester={ChinaSemesterNow()}&limit=50"))["items"]!.AsArray();
        Assert.Contains(recommended, r => r!["deliveredBookings"]!.GetValue<int>() > 0
            && r["reason"]!.GetValue<string>().Contains($"已交付{r["deliveredBookings"]!.GetValue<int>()}场", StringComparison.Ordinal));
        Assert.All(recommended, r => Assert.Equal(r!["deliveredBookings"]!.GetValue<int>() == 0, r["reason"]!.GetValue<string>().Contains("尚无交付记录", StringComparison.Ordinal)));

        // The coverage report of the district has schools running categories and money spent.
        var report = await bureau.GetJsonAsync($"/api/reports/coverage?semester={semester}");
        var trend = report["total"]!["trend"]!.AsArray().ToDictionary(t => t!["metric"]!.GetValue<string>(), t => t!["current"]!.GetValue<decimal>());
        Assert.True(trend.Where(t => t.Key.StartsWith("category.", StringComparison.Ordinal) && t.Key.EndsWith(".schools", StringComparison.Ordinal)).Sum(t => t.Value) > 0);
        Assert.True(trend["spending.providers-fen"] > 0);
        Assert.True(trend["participation.pupils"] > 0);
    }
}
