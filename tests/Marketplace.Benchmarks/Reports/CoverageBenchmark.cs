using System.Diagnostics;
using System.Globalization;
using Marketplace.Benchmarks.Infrastructure;
using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Reports;
using Marketplace.Core.Schools;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;
using Marketplace.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Benchmarks.Reports;

/// <summary>
/// The coverage report at a city's scale (issue 16): fills a fresh SQLite store, through the store port's CommitAsync in batches,
/// with a city of districts, schools and providers and its bookings over two semesters (this one and the previous), each moved by
/// the aggregate's own methods (declined, expired, cancelled, confirmed, delivered and confirmed or left recorded, some with nobody
/// attending), every tenth confirmed booking's money posted to the ledger; then times the city bureau's report (every district and
/// the total, both semesters) and one district bureau's, as CoverageQueries answers them. Checks the report counts every booking.
/// </summary>
internal static class CoverageBenchmark
{
    private static readonly Semester This = new(2026, 1), Previous = new(2025, 2);
    private static readonly DateTimeOffset Now = new(2027, 1, 20, 12, 0, 0, TimeSpan.FromHours(8));

    public static async Task<int> RunAsync(Options options)
    {
        var bookings = Math.Max(1, options.Int("bookings", 1_000_000));
        var districts = Math.Clamp(options.Int("districts", 16), 1, 99);
        var schools = Math.Max(districts, options.Int("schools", 2_000));
        var providers = Math.Max(1, options.Int("providers", 400));
        var batch = Math.Max(1, options.Int("batch", 5_000));
        var rounds = Math.Max(2, options.Int("rounds", 7));
        var cacheMib = Math.Max(0, options.Int("cache-mib", 64)); // the write connection's page cache (0: SQLite's default, 2 MB)
        var reuse = options.Text("reuse"); // a folder a run with --keep filled with the same options: the queries again, no fill
        using var temp = reuse is null ? new TempFolder(options, "coverage") : TempFolder.Existing(reuse);
        await using var services = new ServiceCollection().AddSqliteStore(o =>
        {
            o.DatabasePath = temp.Sub("marketplace.db");
            o.WriteCacheMiB = cacheMib == 0 ? null : cacheMib;
        }).BuildServiceProvider();
        var store = services.GetRequiredService<IMarketplaceStore>();
        await store.InitializeAsync();

        var random = new Random(16);
        var codes = Enumerable.Range(0, districts).Select(i => (110101 + i).ToString(CultureInfo.InvariantCulture)).ToArray();
        var city = World(random, codes, schools, providers, out var schoolList, out var providerList);
        if (reuse is null) await store.CommitAsync(city);
        var programmes = schoolList.ToDictionary(s => s.Id, s => Programmes(random, s, providerList.Where(p => p.HomeDistrict == s.DistrictCode).ToList()));

        var fillCpu = CpuWindow.Start();
        var fill = Stopwatch.StartNew();
        var changes = new StoreChanges();
        var delivered = 0L;
        for (var n = 0; n < (reuse is null ? bookings : 0); n++)
        {
            var school = schoolList[random.Next(schoolList.Count)];
            var booking = Booking(random, n, school, programmes[school.Id][random.Next(Programmed)], changes);
            if (booking.Status == BookingStatus.Completed && booking.Delivery is { Attended: > 0, Status: not DeliveryStatus.Disputed }) delivered++;
            changes.Insert(booking);
            if (changes.Writes.Count < batch && n < bookings - 1) continue;
            await store.CommitAsync(changes);
            changes = new StoreChanges();
        }
        fill.Stop();
        var fillWindow = fillCpu.Stop();
        if (reuse is not null) Console.WriteLine(Invariant($"fill: none, the store of an earlier run reused; file {MachineFacts.Mb(MachineFacts.FolderBytes(temp.Path))}"));
        else Console.WriteLine(Invariant(
            $"fill: {districts} districts, {schools:N0} schools, {providers:N0} providers, {bookings:N0} bookings over {Previous} and {This} in {fill.Elapsed.TotalSeconds:F1} s ({bookings / fill.Elapsed.TotalSeconds:N0}/s, {batch} writes per commit, write cache {(cacheMib == 0 ? "SQLite's default" : $"{cacheMib} MiB")}); file {MachineFacts.Mb(MachineFacts.FolderBytes(temp.Path))}"));
        if (reuse is null) Console.WriteLine("  fill's " + fillWindow.Replace("host 0.00; benchmark client", "this process (store in-process)", StringComparison.Ordinal));

        var queries = new CoverageQueries(store, new FixedClock(Now));
        var cityBureau = new Caller(Guid.NewGuid(), "bench-city", Role.CityBureau, Guid.NewGuid(), codes);
        var districtBureau = new Caller(Guid.NewGuid(), "bench-bureau", Role.Bureau, Guid.NewGuid(), [codes[0]]);
        var (cityTimes, districtTimes, failures) = (new Latencies(), new Latencies(), new List<string>());
        var (cold, groups) = (0.0, 0);
        var cityCpu = TimeSpan.Zero; // this process's CPU (all threads) spent in the measured city reports
        var queryCpu = CpuWindow.Start();
        for (var round = 0; round < rounds; round++)
        {
            var (clock, cpu) = (Stopwatch.GetTimestamp(), ProcessCpu());
            var report = await queries.GetAsync(cityBureau, This.Name, null);
            var ms = Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
            if (round > 0) cityCpu += ProcessCpu() - cpu;
            if (round == 0)
            {
                cold = ms;
                Check(report, schools, failures);
                groups = report.ByDistrict.Count;
                continue; // the first round reads a cold page cache: reported apart
            }
            cityTimes.Add(ms);
            clock = Stopwatch.GetTimestamp();
            await queries.GetAsync(districtBureau, This.Name, null);
            districtTimes.AddSince(clock);
        }
        var queryWindow = queryCpu.Stop();
        // The store's part apart: one semester's tally of every district, read into objects (what the report asks the store for).
        var tallies = new Latencies();
        var rows = 0;
        var tallyCpu = ProcessCpu();
        for (var round = 0; round < rounds - 1; round++)
        {
            var clock = Stopwatch.GetTimestamp();
            rows = (await store.TallyBookingsAsync(new BookingTallyFilter(codes, This.Start, This.End, Now.AddDays(-7)))).Count;
            tallies.AddSince(clock);
        }
        tallyCpu = ProcessCpu() - tallyCpu;
        // What the report reads since the rollup: one semester rolled up by the store (per provider, per school and programme);
        // it must equal the rollup of the tally read just before.
        var rollups = new Latencies();
        var (providerRows, schoolRows) = (0, 0);
        var rollupCpu = ProcessCpu();
        for (var round = 0; round < rounds - 1; round++)
        {
            var clock = Stopwatch.GetTimestamp();
            var rollup = await store.RollUpBookingsAsync(new BookingTallyFilter(codes, This.Start, This.End, Now.AddDays(-7)));
            rollups.AddSince(clock);
            (providerRows, schoolRows) = (rollup.Providers.Count, rollup.Schools.Count);
        }
        rollupCpu = ProcessCpu() - rollupCpu;
        var rolledUp = BookingRollup.Of(await store.TallyBookingsAsync(new BookingTallyFilter(codes, This.Start, This.End, Now.AddDays(-7))));
        if (!rolledUp.Equals((await store.RollUpBookingsAsync(new BookingTallyFilter(codes, This.Start, This.End, Now.AddDays(-7)))).Ordered()))
            failures.Add("the store's rollup differs from the rollup of its tally");
        // The same semester by the span path (one tick longer than the semester: not read from booking_report but grouped over
        // ix_bookings_report, every booking of the districts walked), for the ratio in the same run; the groups must be equal.
        var walks = new Latencies();
        var walkCpu = ProcessCpu();
        for (var round = 0; round < rounds - 1; round++)
        {
            var clock = Stopwatch.GetTimestamp();
            var walked = await store.TallyBookingsAsync(new BookingTallyFilter(codes, This.Start, This.End.AddTicks(1), Now.AddDays(-7)));
            walks.AddSince(clock);
            if (walked.Count != rows) failures.Add($"the span path read {walked.Count} groups, booking_report {rows}");
        }
        walkCpu = ProcessCpu() - walkCpu;
        // The ledger's part apart: the report's statements, one per district and semester (32 for 16 districts).
        var sums = new Latencies();
        var sumCpu = ProcessCpu();
        for (var round = 0; round < rounds - 1; round++)
        {
            var clock = Stopwatch.GetTimestamp();
            foreach (var semester in new[] { This, Previous })
                foreach (var code in codes)
                    await store.SumLedgerAsync(new LedgerFilter(Districts: [code], From: semester.Start, Before: semester.End));
            sums.AddSince(clock);
        }
        sumCpu = ProcessCpu() - sumCpu;
        var stored = (await store.TallyBookingsAsync(new BookingTallyFilter(codes, Previous.Start, Previous.End, Now.AddDays(-7)))).Sum(t => t.Bookings) +
            (await store.TallyBookingsAsync(new BookingTallyFilter(codes, This.Start, This.End, Now.AddDays(-7)))).Sum(t => t.Bookings);
        Console.WriteLine(Invariant($"report {This} vs {Previous} ({stored:N0} bookings stored, {delivered:N0} delivered by this run's fill): first (cold) {cold:F0} ms, {groups} districts + total"));
        Console.WriteLine("  city bureau: every district and the total  " + cityTimes.Summary() + CpuPer(cityCpu, rounds - 1));
        Console.WriteLine("  district bureau: one district              " + districtTimes.Summary());
        Console.WriteLine(Invariant($"  store only: one semester's tally of every district ({rows:N0} groups) ") + tallies.Summary() + CpuPer(tallyCpu, rounds - 1));
        Console.WriteLine(Invariant($"  store only: one semester rolled up by the store ({providerRows:N0} provider + {schoolRows:N0} school rows) ") + rollups.Summary() + CpuPer(rollupCpu, rounds - 1));
        Console.WriteLine(Invariant($"  store only: the same semester walked over ix_bookings_report (span path)      ") + walks.Summary() + CpuPer(walkCpu, rounds - 1));
        Console.WriteLine(Invariant($"  store only: the ledger sums of every district, both semesters ({2 * districts} statements) ") + sums.Summary() + CpuPer(sumCpu, rounds - 1));
        Console.WriteLine("  queries' " + queryWindow.Replace("host 0.00; benchmark client", "this process (store in-process)", StringComparison.Ordinal));
        if (cityTimes.Percentile(50) >= 2_000) failures.Add($"the city's report took {cityTimes.Percentile(50):F0} ms at the median (target < 2 s)");
        foreach (var failure in failures) Console.WriteLine("FAILED: " + failure);
        return failures.Count == 0 ? 0 : 1;
    }

    private static void Check(CoverageReport report, int schools, List<string> failures)
    {
        if (report.Total.Current.Schools != schools) failures.Add($"the report counts {report.Total.Current.Schools} schools, {schools} were stored");
        if (report.Total.Current.Categories.Any(c => c.Schools.Count == 0)) failures.Add("a category no school ran");
        var s = report.Total.Current.Spending;
        if (s.SubsidyFen + s.FamiliesFen + s.SchoolFundFen != s.ProvidersFen + s.CollectedFeesFen + s.HeldFen) failures.Add("money sources and uses differ");
    }

    private static StoreChanges World(Random random, string[] codes, int schools, int providers, out List<School> schoolList, out List<Provider> providerList)
    {
        var changes = new StoreChanges();
        schoolList = [.. Enumerable.Range(0, schools).Select(i =>
        {
            var junior = i % 4 == 3;
            var grades = junior ? Enumerable.Range(7, 3) : Enumerable.Range(1, 6);
            return new School(Guid.CreateVersion7(), $"第{i + 1}学校", codes[i % codes.Length], "学府路 1 号", 39.9 + random.NextDouble() / 10, 116.4 + random.NextDouble() / 10,
                grades.ToDictionary(g => g, _ => random.Next(90, 260)));
        })];
        providerList = [.. Enumerable.Range(0, providers).Select(i => Provider.Register($"第{i + 1}机构", (ProviderKind)(i % 8), $"BENCH{i:D13}", "王老师", "13900000000",
            [codes[i % codes.Length]], This.Start.AddYears(-1)))];
        foreach (var aggregate in schoolList.Cast<IAggregate>().Concat(providerList)) changes.Insert(aggregate);
        foreach (var code in codes.Where((_, i) => i % 5 != 4))
            changes.Insert(FundingPolicy.Create(code, This, new FundingTerms(400, FeeUnit.PerLesson, 600, null, FeeUnit.PerLesson, null, []), This.Start, This.Start, "bench"));
        foreach (var code in codes) changes.PutDistrict(new District(code, $"区{code}", "北京市", "北京市"));
        return changes;
    }

    private const int Programmed = 12;

    /// <summary>What a school runs: <see cref="Programmed"/> programmes, each an offering (category, mode) of a provider of its district
    /// for one grade, booked session after session — as a school's 一校一案 does, not a new provider for every booking.</summary>
    private sealed record Programme(Provider Provider, Category Category, DeliveryMode Mode, int Grade);

    private static Programme[] Programmes(Random random, School school, List<Provider> local) => [.. Enumerable.Range(0, Programmed).Select(_ =>
        new Programme(local[random.Next(local.Count)], (Category)random.Next(6), (DeliveryMode)random.Next(3), school.Grades[random.Next(school.Grades.Count)]))];

    /// <summary>A session of one of the school's programmes in either semester; moved along and, every tenth confirmed one, posted.</summary>
    private static Booking Booking(Random random, int n, School school, Programme programme, StoreChanges changes)
    {
        var (provider, category, grades) = (programme.Provider, programme.Category, new[] { programme.Grade });
        var semester = n % 2 == 0 ? This : Previous;
        var start = semester.Start.AddDays(random.Next(2, 140)).AddHours(8 + random.Next(8));
        var pupils = random.Next(10, 41);
        var quote = new Quote(1000, pupils * 1000L)
        {
            LessonHalves = 2, LessonFeeFen = pupils * 1000L, SubsidyPerPupilFen = 400, FamilySharePerPupilFen = 600, SubsidyFen = pupils * 400L, FamilyFeeFen = pupils * 600L,
        };
        var snapshot = new BookingSnapshot($"{category}课程", provider.Name, school.Name, school.Address, school.DistrictCode, programme.Mode,
            null, start.AddMinutes(80)) { Category = category };
        var booking = Core.Bookings.Booking.Request(new BookingRequestFacts(Guid.CreateVersion7(), Guid.CreateVersion7(), provider.Id, school.Id, school.DistrictCode,
            pupils, grades, "李老师", "13900001111", null, 1000, start, 24, TimeSpan.FromHours(72), snapshot) { Quote = quote }, start.AddDays(-6), "School:bench");
        var at = start.AddDays(-5);
        var post = n % 10 == 1;
        switch (random.Next(20))
        {
            case 0: booking.Decline("满了", at, "Provider:bench"); return booking;
            case 1: booking.Expire(start.AddDays(-3)); return booking;
            case 2 or 3:
                booking.Confirm(at, "Provider:bench");
                booking.CancelBySchool(null, start.AddDays(-3), "School:bench");
                if (post) changes.Insert(Commitment(booking, at)).Insert(LedgerPostings.Cancellation(Parties(booking), booking.Quote, start.AddDays(-3)));
                return booking;
            case 4:
                booking.Confirm(at, "Provider:bench");
                if (post) changes.Insert(Commitment(booking, at));
                return booking;
        }
        booking.Confirm(at, "Provider:bench");
        booking.Complete(random.Next(12) == 0 ? 0 : random.Next(1, pupils + 1), start.AddHours(2), "Provider:bench");
        if (random.Next(5) > 0)
        {
            booking.ConfirmDelivery(null, start.AddHours(3), "School:bench");
            if (post) changes.Insert(Commitment(booking, at)).Insert(LedgerPostings.Settlement(Parties(booking), booking.Quote, booking.Delivery!.Attended, 0, start.AddHours(3)));
        }
        else if (post) changes.Insert(Commitment(booking, at));
        return booking;
    }

    private static BookingParties Parties(Booking b) => new(b.Id, b.SchoolId, b.ProviderId, b.DistrictCode, b.Pupils);

    private static LedgerTransaction Commitment(Booking b, DateTimeOffset at) => LedgerPostings.Commitment(Parties(b), b.Quote, at);

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static string CpuPer(TimeSpan cpu, int calls) => Invariant($"; CPU {cpu.TotalMilliseconds / calls:F0} ms each");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The report's "now": a week before the semester's end, every session of it in the past.</summary>
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
