using System.Text.Json.Nodes;
using Marketplace.Core.Catalog;
using Marketplace.Core.Shared;
using Microsoft.OpenApi;

namespace Marketplace.Api.Hosting;

/// <summary>
/// Request examples with realistic data for the main POST bodies, each one the API accepts as it stands (a test sends them):
/// a 杭州 youth centre registering, a 科技馆 robotics offering, a term of Tuesday and Thursday sessions, a class booking.
/// Schedule dates start next week, so the example stays in the future.
/// </summary>
internal static class OpenApiExamples
{
    /// <summary>Any valid session id; the example's one names no real session.</summary>
    public const string ExampleSessionId = "0195e0a4-7c3b-7d42-9a1e-3f5c2b8d4e61";

    public static void Apply(OpenApiOperation operation, TimeProvider clock)
    {
        var example = operation.OperationId switch
        {
            "RegisterProvider" => Registration(),
            "CreateOffering" or "EditOffering" => Offering(),
            "ScheduleSessions" => Schedule(ChinaTime.DateOf(clock.GetUtcNow())),
            "CreateBooking" => Booking(),
            _ => null,
        };
        if (example is not null && operation.RequestBody?.Content?.TryGetValue("application/json", out var media) == true) media.Example = example;
    }

    internal static JsonNode Registration()
    {
        const string first16 = "91330106MA2CJ7R6"; // 统一社会信用代码 of a 西湖区 organisation, its check characters computed
        var first17 = first16 + CreditCode.OrganizationCheckDigit(first16.AsSpan(8, 8));
        return new JsonObject
        {
            ["name"] = "杭州市西湖区青少年科技活动中心", ["kind"] = nameof(ProviderKind.YouthPalace), ["creditCode"] = first17 + CreditCode.CheckCharacter(first17),
            ["contactName"] = "陈老师", ["contactPhone"] = "13857112345", ["districts"] = new JsonArray("330106"),
            ["username"] = "xihu-keji", ["password"] = "Xihu@Keji2026",
        };
    }

    internal static JsonNode Offering() => new JsonObject
    {
        ["title"] = "青少年机器人编程科普课", ["summary"] = "动手搭建机器人，用图形化编程完成巡线与避障任务。",
        ["description"] = "由科技馆辅导员授课，每次 90 分钟，器材由场馆提供，零基础可参加。\n请进来：到校授课；走出去：在科技馆二层创客空间上课。",
        ["category"] = nameof(Category.Science), ["mode"] = nameof(DeliveryMode.Both), ["grades"] = new JsonArray(3, 4, 5),
        ["minGroup"] = 10, ["maxGroup"] = 30, ["durationMinutes"] = 90, ["priceFen"] = 1500,
        ["venue"] = new JsonObject { ["address"] = "北京市东城区东四十条 100 号科技馆二层", ["lat"] = 39.9331, ["lon"] = 116.4336 },
        ["districts"] = new JsonArray("110101", "110105"), ["tags"] = new JsonArray("机器人", "编程"), ["cancellationCutoffHours"] = 24,
    };

    internal static JsonNode Schedule(DateOnly today)
    {
        var from = today.AddDays(7);
        return new JsonObject
        {
            ["capacity"] = 30,
            ["recurrence"] = new JsonObject
            {
                ["daysOfWeek"] = new JsonArray(nameof(DayOfWeek.Tuesday), nameof(DayOfWeek.Thursday)), ["startTime"] = "15:40", ["endTime"] = "17:10",
                ["from"] = Date(from), ["to"] = Date(from.AddDays(55)), ["skipDates"] = new JsonArray(Date(from.AddDays(14))),
            },
        };
    }

    internal static JsonNode Booking() => new JsonObject
    {
        ["sessionId"] = ExampleSessionId, ["pupils"] = 25, ["grades"] = new JsonArray(4), ["contactName"] = "王老师",
        ["contactPhone"] = "13901234567", ["note"] = "请提前 15 分钟到校，由东门进入；四年级二班。",
    };

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
