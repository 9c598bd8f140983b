using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Marketplace.Api.Tests.Infrastructure;

/// <summary>Finds things in the seeded demo the way a user would: through the API.</summary>
public static class Demo
{
    /// <summary>
    /// <paramref name="at"/>, or whole days later when its Beijing date is a public holiday: single sessions may not be scheduled
    /// on one (issue 13), and a test's "now + N days" lands on 1 Jan, 1 May or 1 Oct on some day of every year.
    /// </summary>
    public static DateTimeOffset SchoolDay(DateTimeOffset at)
    {
        while (Marketplace.Core.Catalog.SchoolCalendar.Default.IsPublicHoliday(Marketplace.Core.Shared.ChinaTime.DateOf(at))) at = at.AddDays(1);
        return at;
    }

    public static async Task<Guid> OrganizationOfAsync(this MarketplaceFactory factory, string username)
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { username, password = MarketplaceFactory.Password });
        return (await response.ReadJsonAsync())["organizationId"]!.GetValue<Guid>();
    }

    /// <summary>The district bureau that reviews the provider's offerings: that of its home district (the demo approves every provider there).</summary>
    public static async Task<string> HomeBureauOfAsync(this MarketplaceFactory factory, string providerUsername)
    {
        var provider = await factory.ClientForAsync(providerUsername);
        var record = await provider.GetJsonAsync($"/api/providers/{await factory.OrganizationOfAsync(providerUsername)}");
        return "bureau-" + record["homeDistrict"]!.GetValue<string>();
    }

    /// <summary>A published offering of the provider with a session more than 25 h ahead that has at least <paramref name="minFree"/> free seats.</summary>
    public static async Task<(JsonNode Offering, JsonNode Session)> BookableSessionAsync(this HttpClient provider, int minFree = 20, string? mode = null)
    {
        var offerings = (await provider.GetJsonAsync("/api/offerings?status=Published")).AsArray();
        foreach (var offering in offerings.Where(o => mode is null || o!["mode"]!.GetValue<string>() == mode))
        {
            var sessions = (await provider.GetJsonAsync($"/api/offerings/{offering!["id"]}/sessions")).AsArray();
            // Beyond the longest default lead time (24 h for 走出去, issue 13), so a school may still book it.
            var session = sessions.FirstOrDefault(s => s!["freeSeats"]!.GetValue<int>() >= minFree && s["status"]!.GetValue<string>() == "Scheduled"
                && s["startsAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddHours(25));
            if (session is not null) return (offering, session);
        }
        throw new InvalidOperationException("The demo has no such session.");
    }

    public static object OfferingBody(string title = "青少年机器人编程科普课", string mode = "Both", long priceFen = 500, int[]? grades = null) => new
    {
        title, summary = "动手搭建与编程控制机器人", description = "每次课 90 分钟，含材料。", category = "Science", mode,
        grades = grades ?? [3, 4, 5], minGroup = 10, maxGroup = 30, durationMinutes = 90, priceFen,
        venue = new { address = "北京市朝阳区北辰东路 5 号", lat = 39.99, lon = 116.40 }, districts = new[] { "110105" }, tags = new[] { "机器人" },
    };
}
