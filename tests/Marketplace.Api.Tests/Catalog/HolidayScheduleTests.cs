using System.Globalization;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Catalog;

/// <summary>
/// A host whose calendar has a configured holiday and make-up working day (Marketplace:Holidays, Marketplace:MakeupWorkdays),
/// next year, as the operator enters each year's State Council schedule. The dates are test dates, not a real schedule.
/// </summary>
public sealed class ConfiguredCalendarFactory() : MarketplaceFactory(new Dictionary<string, string?>
{
    ["Marketplace:Holidays"] = $"{ConfiguredCalendarFactory.Holiday:yyyy-MM-dd}",
    ["Marketplace:MakeupWorkdays"] = $"{ConfiguredCalendarFactory.MakeupDay:yyyy-MM-dd}",
})
{
    private static readonly int Year = DateTime.UtcNow.Year + 1;

    /// <summary>A Wednesday in March next year (no built-in holiday falls in March).</summary>
    public static DateOnly Holiday { get; } = FirstOf(DayOfWeek.Wednesday, 10);

    /// <summary>The Saturday after it.</summary>
    public static DateOnly MakeupDay { get; } = FirstOf(DayOfWeek.Saturday, 13);

    private static DateOnly FirstOf(DayOfWeek day, int from)
    {
        var d = new DateOnly(Year, 3, from);
        while (d.DayOfWeek != day) d = d.AddDays(1);
        return d;
    }
}

/// <summary>A single session on a configured holiday is refused naming startsAt; one on a 调休 day is accepted and noted; recurrences skip holidays.</summary>
public sealed class HolidayScheduleTests(ConfiguredCalendarFactory factory) : IClassFixture<ConfiguredCalendarFactory>
{
    private static object Single(DateOnly day) => new { startsAt = $"{day:yyyy-MM-dd}T15:40:00", endsAt = $"{day:yyyy-MM-dd}T17:10:00", capacity = 20 };

    private async Task<(HttpClient Provider, Guid Id)> DraftAsync()
    {
        var provider = await factory.ClientForAsync("provider4");
        return (provider, (await (await provider.PostJsonAsync("/api/offerings", Demo.OfferingBody("少儿合唱团"))).AssertStatusAsync(201))["id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task ASingleSessionOnAConfiguredHoliday_Is400NamingStartsAt_AndNothingIsScheduled()
    {
        var (provider, id) = await DraftAsync();
        var problem = await (await provider.PostJsonAsync($"/api/offerings/{id}/sessions", Single(ConfiguredCalendarFactory.Holiday))).AssertProblemAsync(400, "startsAt");
        Assert.Equal("schedule.holiday", problem["codes"]!["startsAt"]![0]!.GetValue<string>());
        Assert.Contains(ConfiguredCalendarFactory.Holiday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), problem["errors"]!["startsAt"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty((await provider.GetJsonAsync($"/api/offerings/{id}/sessions")).AsArray());
    }

    [Fact]
    public async Task ASessionOnAMakeupWorkday_IsAccepted_AndNoted_OthersAreNot()
    {
        var (provider, id) = await DraftAsync();
        var created = (await (await provider.PostJsonAsync($"/api/offerings/{id}/sessions", Single(ConfiguredCalendarFactory.MakeupDay))).AssertStatusAsync(201)).AsArray();
        Assert.Equal("makeup-workday", created.Single()!["calendarNote"]!.GetValue<string>());
        var ordinary = (await (await provider.PostJsonAsync($"/api/offerings/{id}/sessions", Single(ConfiguredCalendarFactory.MakeupDay.AddDays(3)))).AssertStatusAsync(201)).AsArray();
        Assert.Null(ordinary.Single()!["calendarNote"]);
        var listed = (await provider.GetJsonAsync($"/api/offerings/{id}/sessions")).AsArray();
        Assert.Equal(["makeup-workday", null], listed.Select(s => s!["calendarNote"]?.GetValue<string>()));
    }

    [Fact]
    public async Task AWeeklyRecurrence_SkipsTheConfiguredHoliday()
    {
        var (provider, id) = await DraftAsync();
        var holiday = ConfiguredCalendarFactory.Holiday;
        var created = (await (await provider.PostJsonAsync($"/api/offerings/{id}/sessions", new
        {
            capacity = 20,
            recurrence = new { daysOfWeek = new[] { "Wednesday" }, startTime = "15:40", endTime = "17:10", from = $"{holiday.AddDays(-7):yyyy-MM-dd}", to = $"{holiday.AddDays(7):yyyy-MM-dd}" },
        })).AssertStatusAsync(201)).AsArray();
        Assert.Equal([$"{holiday.AddDays(-7):yyyy-MM-dd}", $"{holiday.AddDays(7):yyyy-MM-dd}"], created.Select(s => s!["localDate"]!.GetValue<string>()[..10]));
    }
}
