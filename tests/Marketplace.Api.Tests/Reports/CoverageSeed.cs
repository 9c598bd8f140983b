using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Reports;
using Marketplace.Core.Schools;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Marketplace.Api.Tests.Reports;

/// <summary>
/// The demo host plus a fixed district, 门头沟区 (110109, in 北京市 so the city bureau city-1101 oversees it), with its own bureau
/// user bureau-110109; the report reads a fixed clock (2026-12-15 12:00 Beijing: semester 2026-2027-1, previous 2025-2026-2).
/// </summary>
public sealed class CoverageFactory : MarketplaceFactory
{
    public const string District = "110109";
    public static readonly DateTimeOffset Now = new(2026, 12, 15, 12, 0, 0, TimeSpan.FromHours(8));
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _seeded;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // The seeded deliveries are in October: with the real clock the host's sweep would confirm the unanswered ones (#2, #3) and
        // settle them at their counts whenever a test of the class runs 30 s after the seed (a slow machine), changing the money.
        builder.UseSetting("Marketplace:BookingExpirySweep", "01:00:00");
        builder.ConfigureTestServices(services =>
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<CoverageQueries>(sp, (TimeProvider)new FakeTimeProvider(Now))));
    }

    public async Task<HttpClient> ClientAsync(string username)
    {
        await SeedAsync();
        return await ClientForAsync(username);
    }

    private async Task SeedAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_seeded) return;
            await ClientForAsync("bureau-110105"); // the demo is seeded before a district of ours exists (it seeds an empty store only)
            var store = Services.GetRequiredService<IMarketplaceStore>();
            await store.CommitAsync(CoverageSeed.Changes((await store.FindUserAsync("bureau-110105"))!.PasswordHash));
            _seeded = true;
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>
/// The seeded district, every booking moved by the aggregate's own methods and its money posted by the same BookingLedger calls the
/// booking and delivery use cases make. Prices: ¥10.00 per pupil, ¥4.00 of it subsidy and ¥6.00 the family's (no 代收费, no hardship).
/// The expected figures are worked out by hand in <see cref="CoverageReportTests"/>.
/// </summary>
internal static class CoverageSeed
{
    private const string D = CoverageFactory.District;

    private static DateTimeOffset At(int year, int month, int day) => new(year, month, day, 16, 0, 0, TimeSpan.FromHours(8));

    public static StoreChanges Changes(string passwordHash)
    {
        var changes = new StoreChanges().PutDistrict(new District(D, "门头沟区", "北京市", "北京市"));
        var bureau = new Bureau(Ids.New(), "北京市门头沟区教育局", [D]);
        changes.Insert(bureau).Insert(new User(Ids.New(), "bureau-110109", passwordHash, Role.Bureau, bureau.Id, "门头沟区教育局课后服务科"));

        // A: grades 1–4 (bands 1–2: 200, 3–4: 160); B: 7–9 (400); C: 5–6 (100). 860 pupils.
        var a = new School(Ids.New(), "门头沟区第一小学", D, "新桥大街 1 号", 39.94, 116.10, new Dictionary<int, int> { [1] = 100, [2] = 100, [3] = 80, [4] = 80 });
        var b = new School(Ids.New(), "门头沟区第一中学", D, "新桥大街 2 号", 39.95, 116.11, new Dictionary<int, int> { [7] = 150, [8] = 150, [9] = 100 });
        var c = new School(Ids.New(), "门头沟区第二小学", D, "新桥大街 3 号", 39.96, 116.12, new Dictionary<int, int> { [5] = 50, [6] = 50 });
        var registered = At(2026, 1, 5);
        var p1 = Provider.Register("门头沟区青少年科技馆", ProviderKind.ScienceMuseum, "12110109TEST00001A", "王老师", "13900000001", [D], registered);
        var p2 = Provider.Register("门头沟区图书馆", ProviderKind.Library, "12110109TEST00002B", "李老师", "13900000002", [D], registered);
        var p3 = Provider.Register("门头沟区少年足球俱乐部", ProviderKind.SportsOrganization, "52110109TEST00003C", "张老师", "13900000003", [D], registered);
        foreach (var aggregate in new IAggregate[] { a, b, c, p1, p2, p3 }) changes.Insert(aggregate);

        var semester = new Semester(2026, 1);
        changes.Insert(FundingPolicy.Create(D, semester, new FundingTerms(400, FeeUnit.PerLesson, 600, null, FeeUnit.PerLesson, null, []),
            semester.Start, semester.Start, "Bureau:bureau-110109"));

        // This semester (2026-2027-1).
        Delivered(changes, Book(a, p1, Category.Science, DeliveryMode.OnCampus, [3], 30, At(2026, 10, 13)), 25, Settled.Confirmed);   // 1
        Delivered(changes, Book(a, p2, Category.Reading, DeliveryMode.OffCampus, [1, 2], 40, At(2026, 10, 14)), 38, Settled.No);      // 2
        Delivered(changes, Book(a, p3, Category.Sports, DeliveryMode.OnCampus, [1], 20, At(2026, 10, 15)), 0, Settled.No);            // 3 nobody came
        Delivered(changes, Book(b, p1, Category.Science, DeliveryMode.Both, [7, 8], 35, At(2026, 10, 16)), 30, Settled.Disputed);     // 4 disputed
        Delivered(changes, Book(b, p3, Category.Sports, DeliveryMode.OffCampus, [8], 25, At(2026, 10, 20)), 24, Settled.Resolved22);  // 5 decided: 22
        Confirmed(changes, Book(b, p2, Category.Reading, DeliveryMode.OnCampus, [9], 30, At(2026, 11, 10)));                           // 6 overdue
        Cancelled(changes, Book(c, p2, Category.Reading, DeliveryMode.OnCampus, [5], 30, At(2026, 10, 21)), byProvider: false);       // 7
        Declined(changes, Book(c, p1, Category.Science, DeliveryMode.OnCampus, [6], 20, At(2026, 10, 22)));                            // 8
        Delivered(changes, Book(c, p3, Category.Arts, DeliveryMode.OnCampus, [5, 6], 120, At(2026, 10, 23)), 110, Settled.Confirmed); // 9 capped at 100
        Delivered(changes, Book(a, p1, Category.Clubs, DeliveryMode.OnCampus, [3, 4], 50, At(2026, 10, 27)), 50, Settled.Confirmed);  // 10
        Confirmed(changes, Book(b, p1, Category.Science, DeliveryMode.OnCampus, [7], 10, At(2026, 12, 10)));                           // 12 not yet overdue
        Confirmed(changes, Book(a, p1, Category.Labour, DeliveryMode.OnCampus, [1], 10, At(2027, 3, 2)));                              // next semester's

        // The previous semester (2025-2026-2).
        Delivered(changes, Book(a, p1, Category.Science, DeliveryMode.OnCampus, [3], 40, At(2026, 5, 12)), 40, Settled.Confirmed);    // p1
        Cancelled(changes, Book(b, p2, Category.Reading, DeliveryMode.OnCampus, [7], 30, At(2026, 5, 13)), byProvider: true);         // p2
        return changes;
    }

    private enum Settled { No, Confirmed, Disputed, Resolved22 }

    private static Booking Book(School school, Provider provider, Category category, DeliveryMode mode, int[] grades, int pupils, DateTimeOffset start)
    {
        var quote = new Quote(1000, pupils * 1000L)
        {
            LessonHalves = 2, LessonFeeFen = pupils * 1000L, SubsidyPerPupilFen = 400, FamilySharePerPupilFen = 600, SubsidyFen = pupils * 400L, FamilyFeeFen = pupils * 600L,
        };
        var snapshot = new BookingSnapshot("课程", provider.Name, school.Name, school.Address, "门头沟区", mode, null, start.AddMinutes(80)) { Category = category };
        return Booking.Request(new BookingRequestFacts(Ids.New(), Ids.New(), provider.Id, school.Id, D, pupils, grades, "李老师", "13900001111", null, 1000,
            start, 24, TimeSpan.FromHours(72), snapshot) { Quote = quote }, start.AddDays(-6), "School:seed");
    }

    private static Booking Confirm(StoreChanges changes, Booking booking)
    {
        var when = booking.SessionStartsAt.AddDays(-5);
        booking.Confirm(when, "Provider:seed");
        BookingLedger.Post(changes, booking, BookingStatus.Requested, when);
        return booking;
    }

    private static void Confirmed(StoreChanges changes, Booking booking) => changes.Insert(Confirm(changes, booking));

    private static void Delivered(StoreChanges changes, Booking booking, int attended, Settled settled)
    {
        Confirm(changes, booking);
        var after = booking.SessionStartsAt.AddHours(2);
        booking.Complete(attended, after, "Provider:seed");
        switch (settled)
        {
            case Settled.Confirmed:
                booking.ConfirmDelivery(null, after.AddHours(1), "School:seed");
                BookingLedger.Settle(changes, booking, after.AddHours(1));
                break;
            case Settled.Disputed:
                booking.DisputeDelivery("人数不符", null, after.AddHours(1), "School:seed");
                break;
            case Settled.Resolved22:
                booking.DisputeDelivery("人数不符", 22, after.AddHours(1), "School:seed");
                booking.ResolveDispute(22, null, "按签到表", after.AddDays(1), "Bureau:seed");
                BookingLedger.Settle(changes, booking, after.AddDays(1));
                break;
        }
        changes.Insert(booking);
    }

    private static void Cancelled(StoreChanges changes, Booking booking, bool byProvider)
    {
        Confirm(changes, booking);
        var at = booking.SessionStartsAt.AddDays(-3);
        if (byProvider) booking.CancelByProvider("老师生病", at, "Provider:seed");
        else booking.CancelBySchool(null, at, "School:seed");
        BookingLedger.Post(changes, booking, BookingStatus.Confirmed, at);
        changes.Insert(booking);
    }

    private static void Declined(StoreChanges changes, Booking booking)
    {
        booking.Decline("满了", booking.SessionStartsAt.AddDays(-5), "Provider:seed");
        changes.Insert(booking);
    }
}
