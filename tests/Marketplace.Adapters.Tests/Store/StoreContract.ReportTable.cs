using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>
/// Reports at scale (issue 16): a whole semester's tally is read from the groups the store keeps as bookings are written (SQLite's
/// booking_report, MongoDB's booking_report collection). Bookings written, moved through their statuses one commit at a time and
/// deleted leave those groups equal to the grouping of the documents stored, after every step.
/// </summary>
public abstract partial class StoreContract
{
    private static readonly Semester ReportSemester = new(2026, 1), ReportPrevious = new(2025, 2);

    /// <summary>
    /// Few schools, providers, categories and grades, so groups hold many bookings: a booking leaving a group often held its largest
    /// attendance (which must then be found again), and groups empty and fill again. Sessions on the semesters' first and last
    /// instants check that the store puts a booking in the semester of its Beijing date.
    /// </summary>
    [SkippableFact]
    public async Task SemesterTally_FollowsEveryStatusChange_AndEqualsTheGroupingOfTheDocuments()
    {
        await using var db = await CreateAsync();
        var random = new Random(1616);
        var schools = Enumerable.Range(0, 2).Select(_ => Ids.New()).ToArray();
        var providers = Enumerable.Range(0, 2).Select(_ => Ids.New()).ToArray();
        var starts = new List<DateTimeOffset>
        {
            ReportSemester.Start, ReportSemester.Start.AddTicks(-1), ReportSemester.End.AddTicks(-1), ReportSemester.End,
            ReportPrevious.Start, ReportPrevious.End.AddSeconds(-1),
        };
        starts.AddRange(Enumerable.Range(0, 90).Select(n => (n % 2 == 0 ? ReportSemester : ReportPrevious).Start.AddDays(random.Next(0, 140)).AddHours(random.Next(0, 16))));
        var bookings = starts.Select((start, n) => RequestedBooking(random, n, start, schools, providers)).ToList();
        await db.Store.CommitAsync(bookings.Aggregate(new StoreChanges(), (changes, b) => changes.Insert(b)));
        await AssertTalliesEqualTheDocuments(db, bookings, "requested");

        await MoveAsync(db, bookings, b => b.Status == BookingStatus.Requested, (b, r) =>
        {
            var at = b.SessionStartsAt.AddDays(-9);
            switch (r.Next(10))
            {
                case 0: b.Decline("满了", at, "provider:u"); break;
                case 1: b.Expire(b.ExpiresAt); break;
                default: b.Confirm(at, "provider:u"); break;
            }
        }, random);
        await AssertTalliesEqualTheDocuments(db, bookings, "confirmed, declined or expired");

        await MoveAsync(db, bookings, b => b.Status == BookingStatus.Confirmed, (b, r) =>
        {
            switch (r.Next(6))
            {
                case 0: b.CancelBySchool(null, b.SessionStartsAt.AddDays(-8), "school:u"); break;
                case 1: break; // left confirmed: overdue once its session is a week past
                default: b.Complete(r.Next(5) == 0 ? 0 : r.Next(1, b.Pupils + 1), b.SessionStartsAt.AddHours(2), "provider:u"); break;
            }
        }, random);
        await AssertTalliesEqualTheDocuments(db, bookings, "cancelled or delivered");

        await MoveAsync(db, bookings, b => b.Delivery is { Status: DeliveryStatus.Recorded }, (b, r) =>
        {
            if (r.Next(3) == 0) b.DisputeDelivery("人数不符", null, b.SessionStartsAt.AddHours(3), "school:u");
            else if (r.Next(4) > 0) b.ConfirmDelivery(null, b.SessionStartsAt.AddHours(3), "school:u");
        }, random);
        await AssertTalliesEqualTheDocuments(db, bookings, "delivery confirmed or disputed");

        await MoveAsync(db, bookings, b => b.Delivery is { Status: DeliveryStatus.Disputed },
            (b, r) => b.ResolveDispute(r.Next(b.Pupils + 1), null, "按签到表", b.SessionStartsAt.AddHours(4), "bureau:u"), random);
        await AssertTalliesEqualTheDocuments(db, bookings, "disputes resolved");

        var gone = bookings.Where((_, i) => i % 7 == 3).ToList();
        await db.Store.CommitAsync(gone.Aggregate(new StoreChanges(), (changes, b) => changes.Delete(b, b.Version)));
        bookings.RemoveAll(gone.Contains);
        await AssertTalliesEqualTheDocuments(db, bookings, "some deleted");
        Assert.Contains(bookings, b => b.Delivery is { Status: DeliveryStatus.Resolved });
        Assert.Contains(bookings, b => b.Delivery is { Attended: 0 });
        var rollup = await db.Store.RollUpBookingsAsync(new BookingTallyFilter(["110101", "110102"], ReportSemester.Start, ReportSemester.End, ReportSemester.Start.AddDays(40)));
        Assert.Contains(rollup.Schools, r => r.Delivered > 0 && r.MaxAttended > 0); // the rollups compared above were not empty ones
        Assert.Contains(rollup.Providers, r => r.Delivered);
        Assert.Contains(rollup.Providers, r => r.Overdue > 0);
    }

    /// <summary>
    /// Commits racing on the same bookings: two copies of each booking moved differently (confirmed, declined) and committed at
    /// once; one of each pair conflicts and is rolled back with its group changes, so the groups equal the documents stored.
    /// </summary>
    [SkippableFact]
    public async Task SemesterTally_AfterRacingCommits_CountsOnlyWhatWasCommitted()
    {
        await using var db = await CreateAsync();
        var random = new Random(1617);
        var (schools, providers) = (new[] { Ids.New() }, new[] { Ids.New() });
        var bookings = Enumerable.Range(0, 40)
            .Select(n => RequestedBooking(random, n, ReportSemester.Start.AddDays(10 + n % 30).AddHours(9), schools, providers)).ToList();
        await db.Store.CommitAsync(bookings.Aggregate(new StoreChanges(), (changes, b) => changes.Insert(b)));

        var commits = new List<Task>();
        foreach (var booking in bookings)
        {
            var (confirmed, declined) = ((await db.Store.FindAsync<Booking>(booking.Id))!, (await db.Store.FindAsync<Booking>(booking.Id))!);
            confirmed.Confirm(booking.SessionStartsAt.AddDays(-9), "provider:u");
            confirmed.Complete(5 + random.Next(20), booking.SessionStartsAt.AddHours(2), "provider:u");
            declined.Decline("满了", booking.SessionStartsAt.AddDays(-9), "provider:u");
            commits.Add(Task.Run(() => db.Store.CommitAsync(new StoreChanges().Update(confirmed, booking.Version))));
            commits.Add(Task.Run(() => db.Store.CommitAsync(new StoreChanges().Update(declined, booking.Version))));
        }
        var outcomes = await Task.WhenAll(commits.Select(async c =>
        {
            try { await c; return true; }
            catch (ConcurrencyConflictException) { return false; }
        }));

        Assert.Equal(bookings.Count, outcomes.Count(ok => ok));
        var stored = (await db.Store.FindManyAsync<Booking>(bookings.Select(b => b.Id).ToArray())).ToList();
        var filter = new BookingTallyFilter(["110101", "110102"], ReportSemester.Start, ReportSemester.End, ReportSemester.End);
        Assert.Equal(ExpectedTallies(stored, filter), (await db.Store.TallyBookingsAsync(filter)).OrderBy(Order).ToList());
        Assert.Equal(BookingRollup.Of(ExpectedTallies(stored, filter)), (await db.Store.RollUpBookingsAsync(filter)).Ordered());
    }

    /// <summary>Moves the bookings that <paramref name="which"/> selects, each written as an update of the version it was read at.</summary>
    private static async Task MoveAsync(IStoreUnderTest db, List<Booking> bookings, Func<Booking, bool> which, Action<Booking, Random> move, Random random)
    {
        foreach (var batch in bookings.Where(which).ToList().Chunk(25))
        {
            var changes = new StoreChanges();
            foreach (var booking in batch)
            {
                var version = booking.Version;
                move(booking, random);
                if (booking.Version != version) changes.Update(booking, version);
            }
            if (!changes.IsEmpty) await db.Store.CommitAsync(changes);
        }
    }

    /// <summary>Both semesters' tallies, for one district and both, with the overdue cut inside, before and after the semester.</summary>
    private static async Task AssertTalliesEqualTheDocuments(IStoreUnderTest db, IReadOnlyList<Booking> bookings, string after)
    {
        foreach (var semester in new[] { ReportSemester, ReportPrevious })
            foreach (var districts in new[] { new[] { "110101" }, ["110101", "110102"] })
                foreach (var overdueBefore in new[] { semester.Start.AddDays(40), semester.Start, semester.End.AddDays(7) })
                {
                    var filter = new BookingTallyFilter(districts, semester.Start, semester.End, overdueBefore);
                    var tallies = await db.Store.TallyBookingsAsync(filter);
                    Assert.True(ExpectedTallies(bookings, filter).SequenceEqual(tallies.OrderBy(Order)),
                        $"{semester} {string.Join(",", districts)} overdue before {overdueBefore:O}, after: {after}");
                    // The report's rollup, from the kept groups by the store (a whole semester) and one tick longer (rolled up from the span path).
                    var expected = BookingRollup.Of(ExpectedTallies(bookings, filter));
                    Assert.Equal(expected, (await db.Store.RollUpBookingsAsync(filter)).Ordered());
                    Assert.Equal(BookingRollup.Of(ExpectedTallies(bookings, filter with { StartsBefore = filter.StartsBefore.AddTicks(1) })),
                        (await db.Store.RollUpBookingsAsync(filter with { StartsBefore = filter.StartsBefore.AddTicks(1) })).Ordered());
                }
    }

    internal static List<BookingTally> ExpectedTallies(IEnumerable<Booking> bookings, BookingTallyFilter f) =>
        bookings.Where(b => f.Districts.Contains(b.DistrictCode) && b.SessionStartsAt >= f.StartsFrom && b.SessionStartsAt < f.StartsBefore)
            .GroupBy(b => (b.DistrictCode, b.SchoolId, b.ProviderId, b.Snapshot?.Category, b.Snapshot?.Mode, b.Status, Delivery: b.Delivery?.Status, FirstGrade: b.Grades.Count > 0 ? b.Grades[0] : (int?)null))
            .Select(g => new BookingTally(g.Key.DistrictCode, g.Key.SchoolId, g.Key.ProviderId, g.Key.Category, g.Key.Mode, g.Key.Status, g.Key.Delivery, g.Key.FirstGrade,
                g.Count(), g.Sum(b => (long)(b.Delivery?.Attended ?? 0)), g.Max(b => b.Delivery?.Attended ?? 0), g.Count(b => b.Delivery is { Attended: 0 }),
                g.Count(b => b.Status == BookingStatus.Confirmed && b.SessionStartsAt < f.OverdueBefore)))
            .OrderBy(Order).ToList();

    internal static Booking RequestedBooking(Random random, int n, DateTimeOffset start, Guid[] schools, Guid[] providers)
    {
        var category = random.Next(5) == 0 ? (Category?)null : (Category)random.Next(2);
        var snapshot = new BookingSnapshot("课程", "机构", "学校", "地址", "区", random.Next(4) == 0 ? DeliveryMode.Both : DeliveryMode.OnCampus, null, start.AddHours(1))
        {
            Category = category,
        };
        return Booking.Request(new BookingRequestFacts(
            Ids.New(), Ids.New(), providers[random.Next(providers.Length)], schools[random.Next(schools.Length)], n % 3 == 0 ? "110102" : "110101",
            20 + random.Next(20), [3 + random.Next(2)], "李老师", "13900000000", null, 1_000, start, 24, TimeSpan.FromHours(72), snapshot), start.AddDays(-10), "school:u");
    }
}
