using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>
/// Reports (issue 16): the store's tally of districts' bookings of a span of session starts equals the same grouping done here over
/// the bookings written — every status, delivery state, category, mode and lowest grade, overdue confirmations, bookings of other
/// districts and outside the span left out.
/// </summary>
public abstract partial class StoreContract
{
    private static readonly DateTimeOffset TallyStart = new(2026, 8, 31, 16, 0, 0, TimeSpan.Zero); // 2026-09-01 00:00 Beijing

    [SkippableFact]
    public async Task TallyBookings_EqualsTheGroupingOfTheBookings_OfTheDistrictAndSpan()
    {
        await using var db = await CreateAsync();
        var random = new Random(16);
        var schools = Enumerable.Range(0, 4).Select(_ => Ids.New()).ToArray();
        var providers = Enumerable.Range(0, 3).Select(_ => Ids.New()).ToArray();
        var bookings = Enumerable.Range(0, 240).Select(n => RandomBooking(random, n, schools, providers)).ToList();
        foreach (var batch in bookings.Chunk(40))
            await db.Store.CommitAsync(batch.Aggregate(new StoreChanges(), (changes, b) => changes.Insert(b)));

        var overdueBefore = TallyStart.AddDays(40);
        foreach (var (districts, from, before) in new (string[], DateTimeOffset, DateTimeOffset)[]
        {
            (["110101"], TallyStart, TallyStart.AddDays(60)), (["110102", "110101"], TallyStart, TallyStart.AddDays(60)),
            (["110101"], TallyStart.AddDays(20), TallyStart.AddDays(30)), (["310104"], TallyStart, TallyStart.AddDays(60)), (["110102", "310104"], TallyStart, TallyStart.AddDays(60)),
        })
        {
            var expected = bookings.Where(b => districts.Contains(b.DistrictCode) && b.SessionStartsAt >= from && b.SessionStartsAt < before)
                .GroupBy(b => (b.DistrictCode, b.SchoolId, b.ProviderId, b.Snapshot?.Category, b.Snapshot?.Mode, b.Status, Delivery: b.Delivery?.Status, FirstGrade: b.Grades.Count > 0 ? b.Grades[0] : (int?)null))
                .Select(g => new BookingTally(g.Key.DistrictCode, g.Key.SchoolId, g.Key.ProviderId, g.Key.Category, g.Key.Mode, g.Key.Status, g.Key.Delivery, g.Key.FirstGrade,
                    g.Count(), g.Sum(b => (long)(b.Delivery?.Attended ?? 0)), g.Max(b => b.Delivery?.Attended ?? 0), g.Count(b => b.Delivery is { Attended: 0 }),
                    g.Count(b => b.Status == BookingStatus.Confirmed && b.SessionStartsAt < overdueBefore)))
                .OrderBy(Order).ToList();

            var tallies = await db.Store.TallyBookingsAsync(new BookingTallyFilter(districts, from, before, overdueBefore));

            Assert.Equal(expected, tallies.OrderBy(Order).ToList());
        }
        Assert.True(bookings.Any(b => b.Delivery is { Attended: 0 }) && bookings.Any(b => b.Snapshot?.Category is null));
    }

    internal static string Order(BookingTally t) => $"{t.District}|{t.SchoolId}|{t.ProviderId}|{t.Category}|{t.Mode}|{t.Status}|{t.Delivery}|{t.FirstGrade}";

    /// <summary>A booking of two districts over sixty days, moved at random through its life: declined, expired, cancelled, confirmed,
    /// delivered (some with nobody attending), the delivery confirmed, disputed or decided.</summary>
    private static Booking RandomBooking(Random random, int n, Guid[] schools, Guid[] providers)
    {
        var start = TallyStart.AddDays(random.Next(-5, 65)).AddHours(random.Next(0, 10));
        var category = random.Next(7) is var c && c == 6 ? (Category?)null : (Category)c;
        var grades = Enumerable.Range(0, random.Next(1, 3)).Select(_ => random.Next(1, 10)).ToArray();
        var snapshot = new BookingSnapshot("课程", "机构", "学校", "地址", "区", (DeliveryMode)random.Next(3), null, start.AddHours(1)) { Category = category };
        var booking = Booking.Request(new BookingRequestFacts(
            Ids.New(), Ids.New(), providers[random.Next(providers.Length)], schools[random.Next(schools.Length)], n % 3 == 0 ? "110102" : "110101",
            20 + random.Next(20), grades, "李老师", "13900000000", null, 1_000, start, 24, TimeSpan.FromHours(72), snapshot), start.AddDays(-10), "school:u");
        var at = start.AddDays(-9);
        switch (random.Next(8))
        {
            case 0: booking.Decline("满了", at, "provider:u"); break;
            case 1: booking.Expire(at); break;
            case 2: booking.CancelBySchool(null, at, "school:u"); break;
            case 3: booking.Confirm(at, "provider:u"); break;
            default:
                booking.Confirm(at, "provider:u");
                booking.Complete(random.Next(4) == 0 ? 0 : random.Next(1, booking.Pupils + 1), start.AddHours(2), "provider:u");
                switch (random.Next(4))
                {
                    case 0: booking.ConfirmDelivery(null, start.AddHours(3), "school:u"); break;
                    case 1: booking.DisputeDelivery("人数不符", null, start.AddHours(3), "school:u"); break;
                    case 2:
                        booking.DisputeDelivery("人数不符", null, start.AddHours(3), "school:u");
                        booking.ResolveDispute(random.Next(booking.Pupils + 1), null, "按签到表", start.AddHours(4), "bureau:u");
                        break;
                }
                break;
        }
        return booking;
    }
}
