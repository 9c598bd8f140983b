using Marketplace.Core.Catalog;
using Marketplace.Core.Search;

namespace Marketplace.Adapters.Tests.Search;

/// <summary>
/// Seven offerings around People's Square, Shanghai, chosen so each filter, sort and facet has a known answer.
/// Venues lie due north of <see cref="Here"/>, so their distance is exact: Δlat × 111.195 km.
/// </summary>
public static class SearchSamples
{
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    public static readonly GeoPoint Here = new(31.2304, 121.4737);

    public static readonly OfferingDocument Robot = Make("青少年机器人编程科普课", "动手搭建机器人，学习图形化积木", Category.Science, DeliveryMode.OffCampus,
        [4, 5, 6], ["310104"], 3000, km: 1, sessions: [(2, 10)], provider: "星火科创中心", tags: ["科创", "STEM"]);

    public static readonly OfferingDocument Coding = Make("少儿程序设计启蒙", "用积木块认识算法与逻辑", Category.Science, DeliveryMode.OnCampus,
        [3, 4, 5], ["310104", "310105"], 0, km: null, sessions: [(5, 0)], provider: "码上少年", tags: ["公益"]);

    public static readonly OfferingDocument Football = Make("校园足球训练营", "专业教练带队的足球基础训练", Category.Sports, DeliveryMode.Both,
        [1, 2, 3, 4, 5, 6], ["310105"], 800, km: 8, sessions: [(1, 5)], provider: "绿茵体育", tags: ["体育"]);

    public static readonly OfferingDocument Basketball = Make("篮球兴趣班", "运球、传球与团队配合", Category.Sports, DeliveryMode.OffCampus,
        [5, 6, 7, 8, 9], ["310106"], 6000, km: 30, sessions: [(10, 3)], provider: "飞跃体育", tags: ["体育"]);

    public static readonly OfferingDocument PaperCut = Make("非物质文化遗产剪纸体验", "传承海派剪纸技艺", Category.Arts, DeliveryMode.OnCampus,
        [2, 3, 4], ["310104"], 2000, km: null, sessions: [(-3, 5)], provider: "海派艺坊", tags: ["传统文化"]);

    public static readonly OfferingDocument Calligraphy = Make("书法启蒙", "毛笔字基本笔画练习", Category.Arts, DeliveryMode.Both,
        [1, 2, 3], ["310106"], 1500, km: 3, sessions: [(3, 2)], provider: "墨香书院", tags: ["传统文化"]);

    public static readonly OfferingDocument Reading = Make("阅读推广", "绘本共读与阅读分享会", Category.Reading, DeliveryMode.OffCampus,
        [1, 2, 3, 4, 5, 6, 7, 8, 9], ["310105"], 500, km: 12, sessions: [(7, 1)], provider: "城市书房", tags: ["阅读"]);

    public static IReadOnlyList<OfferingDocument> All { get; } = [Robot, Coding, Football, Basketball, PaperCut, Calligraphy, Reading];

    public static OfferingDocument Drone() => Make("无人机航拍入门", "学习安全操控与航拍构图", Category.Science, DeliveryMode.OffCampus,
        [5, 6], ["310105"], 4000, km: 5, sessions: [(4, 6)], provider: "天空实验室", tags: ["科创"]);

    private static OfferingDocument Make(
        string title, string summary, Category category, DeliveryMode mode, int[] grades, string[] districts, long priceFen,
        double? km, (int Days, int FreeSeats)[] sessions, string provider, string[] tags) => new(
        Guid.CreateVersion7(), Guid.CreateVersion7(), provider, title, summary, $"{title}：{summary}。", tags, category, mode, grades, districts, priceFen,
        km is { } d ? new GeoPoint(Here.Lat + d / 111.195, Here.Lon) : null,
        [.. sessions.Select(s => new SessionSlot(Guid.CreateVersion7(), Now.AddDays(s.Days), Now.AddDays(s.Days).AddHours(1.5), s.FreeSeats))],
        Version: 1, UpdatedAt: Now.AddDays(-10));
}
