using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Adapters.Tests.Mongo;

/// <summary>Aggregates with values that stress the JSON ↔ BSON conversion: Chinese text, longs past int range, fractions of a second.</summary>
internal static class MongoSamples
{
    public static readonly DateTimeOffset Now = new(2026, 9, 1, 7, 40, 0, 123, TimeSpan.Zero);

    public static Provider Provider(string creditCode = "91310000MA1FL8XQ3K") =>
        Marketplace.Core.Catalog.Provider.Register("上海市青少年科技馆", ProviderKind.ScienceMuseum, creditCode, "王老师", "13800000000", ["310104", "310105"], Now);

    public static Offering Offering(Guid providerId) => Marketplace.Core.Catalog.Offering.Create(providerId, new OfferingContent(
        "机器人编程入门", "动手搭建", "适合三到五年级", Category.Science, DeliveryMode.Both, [3, 4, 5], 10, 40, 90, 3_000_000_000L,
        new Venue("徐汇区漕溪北路 1 号", 31.1937, 121.4365), ["310104"], ["编程", "STEM"], 48), Now);

    public static Session Session(Guid offeringId, Guid providerId, int capacity = 30) =>
        Marketplace.Core.Catalog.Session.Schedule(offeringId, providerId, Now.AddDays(7), Now.AddDays(7).AddMinutes(90), capacity);

    public static Booking Booking(Session session, Guid schoolId) => Marketplace.Core.Bookings.Booking.Request(new BookingRequestFacts(
        session.Id, session.OfferingId, session.ProviderId, schoolId, "310104", 25, [4, 3], "李老师", "13900000000", "请准备投影仪",
        120_00, session.StartsAt, 48, TimeSpan.FromHours(72), Snapshot(session)), Now, "school:user");

    public static BookingSnapshot Snapshot(Session session) =>
        new("青少年编程入门", "徐汇区科协", "徐汇区第一中心小学", "漕溪北路 2 号", "徐汇区", DeliveryMode.OffCampus, "徐汇区漕溪北路 1 号", session.EndsAt);

    public static School School() => new(Ids.New(), "徐汇区第一中心小学", "310104", "漕溪北路 2 号", 31.19, 121.43, new Dictionary<int, int> { [3] = 120, [4] = 118 });

    public static User User(string username) => new(Ids.New(), username, "hash", Role.School, Ids.New(), "张老师");
}
