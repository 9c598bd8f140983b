using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Seed;

/// <summary>
/// The demo's past weeks (Marketplace:SeedDemoHistory): most schools had sessions in the last six weeks (early in a term, some fall
/// in the previous semester; public holidays skipped), on their plan's Tuesday/Thursday afternoons, of two to five categories each, booked, confirmed, delivered with attendance and — once the
/// dispute window has passed — confirmed by the school and settled in the ledger; one booking in twelve was cancelled by the school
/// before its cut-off. Every fifth school (school4, 9, 14 …) delivered nothing yet, so the bureau's dashboard has figures to show
/// and under-served schools to list. Each booking moves through the aggregate's own methods, with the ledger postings the
/// commands make. Deterministic: the seeder's fixed random source.
/// </summary>
internal static class DemoHistory
{
    private static readonly Category[] Order = [Category.Sports, Category.Arts, Category.Science, Category.Reading, Category.Clubs, Category.Labour];

    public static void Seed(StoreChanges changes, IReadOnlyList<School> schools, IReadOnlyList<(Offering Offering, Provider Provider, string Username)> published,
        Func<string, string> districtName, Random random, DateTimeOffset now)
    {
        var today = ChinaTime.DateOf(now);
        for (var i = 0; i < schools.Count; i++)
        {
            if (i % 5 == 3) continue; // delivered nothing yet: under-served on the dashboard
            var school = schools[i];
            var fitting = published.Where(p => p.Provider.IsApprovedIn(school.DistrictCode) && p.Offering.Content.Grades.Intersect(school.Grades).Any()
                    && (p.Offering.Content.ServesOffCampus || p.Offering.Content.Districts.Contains(school.DistrictCode)))
                .GroupBy(p => p.Offering.Content.Category).ToDictionary(g => g.Key, g => g.ToList());
            var categories = Order.Skip(i % 3).Concat(Order.Take(i % 3)).Where(fitting.ContainsKey).Take(2 + i % 4).ToList();
            foreach (var (category, c) in categories.Select((category, c) => (category, c)))
            {
                var (offering, provider, username) = fitting[category][random.Next(fitting[category].Count)];
                var day = c % 2 == 0 ? DayOfWeek.Tuesday : DayOfWeek.Thursday;
                for (var week = 1 + c % 2; week <= 6; week += 2)
                {
                    var date = today.AddDays(-7 * week);
                    while (date.DayOfWeek != day) date = date.AddDays(-1);
                    if (SchoolCalendar.Default.IsPublicHoliday(date)) continue;
                    Deliver(changes, school, i, offering, provider, username, districtName(school.DistrictCode), date, random, now);
                }
            }
        }
    }

    private static void Deliver(StoreChanges changes, School school, int index, Offering offering, Provider provider, string providerUser, string districtName,
        DateOnly date, Random random, DateTimeOffset now)
    {
        var content = offering.Content;
        var start = ChinaTime.FromLocal(date, new TimeOnly(15, 40));
        var pupils = Math.Clamp(random.Next(20, 41), content.MinGroup, content.MaxGroup);
        var session = Session.Schedule(offering.Id, offering.ProviderId, start, start.AddMinutes(content.DurationMinutes), pupils + random.Next(0, 11));
        var grades = school.Grades.Intersect(content.Grades).ToArray();
        var schoolAudit = $"School:school{index + 1}";
        var booking = Booking.Request(new BookingRequestFacts(session.Id, offering.Id, offering.ProviderId, school.Id, school.DistrictCode, pupils, grades,
            school.CoordinatorName ?? "课后服务负责人", school.CoordinatorPhone ?? "13800138000", null, content.PriceFen, start,
            content.CancellationCutoffHours, TimeSpan.FromHours(48), BookingQueries.SnapshotOf(offering, provider, school, session, districtName)),
            start.AddDays(-10), schoolAudit);
        var confirmedAt = start.AddDays(-9);
        booking.Confirm(confirmedAt, $"Provider:{providerUser}");
        BookingLedger.Post(changes, booking, BookingStatus.Requested, confirmedAt);
        changes.Insert(session);
        if (random.Next(12) == 0)
        {
            booking.CancelBySchool("活动时间与学校考试冲突", start.AddDays(-5), schoolAudit);
            BookingLedger.Post(changes, booking, BookingStatus.Confirmed, start.AddDays(-5));
        }
        else
        {
            changes.ReserveSeats(session.Id, pupils);
            var end = session.EndsAt;
            booking.Complete(pupils - random.Next(0, 4), end, $"Provider:{providerUser}");
            var confirmBy = end.AddDays(1);
            if (booking.Delivery!.DisputeBy < now.AddDays(-1)) // older than the dispute window: the school confirmed it
            {
                booking.ConfirmDelivery(null, confirmBy, schoolAudit);
                BookingLedger.Settle(changes, booking, confirmBy);
            }
        }
        changes.Insert(booking).Publish(BookingEvents.Changed(booking, null, booking.History[^1].At));
    }
}
