using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Benchmarks.Infrastructure;

/// <summary>Fresh offerings and sessions made the way users make them: provider creates and submits, the bureau approves, the provider schedules.</summary>
internal static class CatalogSetup
{
    public static readonly string[] AllDistricts =
        ["110101", "110102", "110105", "110108", "330102", "330105", "330106", "330108", "510104", "510105", "510107", "510108"];

    /// <summary>Demo schools of the Beijing districts, where provider1 is approved (school n is in district (n-1) mod 12).</summary>
    public static readonly int[] BeijingSchools = [1, 2, 3, 4, 13, 14, 15, 16, 25, 26, 27, 28];

    /// <summary>An OnCampus offering for grades 1–9 in all 12 districts with <paramref name="sessions"/> one-off sessions on consecutive days, public holidays skipped.</summary>
    public static async Task<(Guid OfferingId, Guid[] SessionIds)> CreateOfferingAsync(
        HttpClient provider, HttpClient bureau, string title, int sessions, int capacity, int firstDay)
    {
        var created = await HttpApi.PostAsync(provider, "api/offerings", new
        {
            title,
            summary = "压测用请进来课程，面向 1–9 年级，服务全部 12 个区县。",
            description = "仅用于性能测试 / benchmark data.",
            category = "Science",
            mode = "OnCampus",
            grades = Enumerable.Range(1, 9).ToArray(),
            minGroup = 1,
            maxGroup = 40,
            durationMinutes = 60,
            priceFen = 0,
            districts = AllDistricts,
            tags = new[] { "压测" },
            cancellationCutoffHours = 24,
        });
        var id = created.GetProperty("id").GetGuid();
        await HttpApi.PostAsync(provider, $"api/offerings/{id}/submit", null);
        await HttpApi.PostAsync(bureau, $"api/offerings/{id}/approve", null);

        var today = ChinaTime.Today(TimeProvider.System);
        var ids = new Guid[sessions];
        var day = today.AddDays(firstDay - 1);
        for (var i = 0; i < sessions; i++)
        {
            // Public holidays are refused for single sessions (issue 13): the sessions are consecutive school days.
            do day = day.AddDays(1); while (Marketplace.Core.Catalog.SchoolCalendar.Default.IsPublicHoliday(day));
            var startsAt = ChinaTime.FromLocal(day, new TimeOnly(15, 40));
            var result = await HttpApi.PostAsync(provider, $"api/offerings/{id}/sessions", new { startsAt, endsAt = startsAt.AddMinutes(60), capacity });
            ids[i] = result[0].GetProperty("id").GetGuid();
        }
        return (id, ids);
    }

    /// <summary>Demo schools: school5, 10, …, 30 are junior (grades 7–9), the others primary (1–6).</summary>
    public static int GradeFor(int schoolNumber) => schoolNumber % 5 == 0 ? 8 : 3;
}
