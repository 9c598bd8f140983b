using System.Diagnostics;
using System.Globalization;
using Marketplace.Benchmarks.Infrastructure;
using Marketplace.Core.Families.Allocation;

namespace Marketplace.Benchmarks.Families;

/// <summary>
/// Course selection's lottery at a city's scale (issue 18): 50 schools' selection windows, each ~1,200 pupils with 3 ranked
/// choices over 20–40 term programmes of 15–40 seats (weekly series, so times clash), cap 2, hardship (~8%) weighted 3 and
/// pupils without any activity yet (~25%) weighted 2, some pupils holding a commitment elsewhere. No host, no store: the pure
/// engine (AllocationEngine) in this process, single-threaded, one school after another, as a sweep after the windows close
/// would run it. Each round allocates every school by lottery and by first come; the first round is reported apart (JIT).
/// Every result is checked (seats, clashes, cap, reproducible) and the run fails if one is wrong.
/// </summary>
internal static class LotteryBenchmark
{
    private static readonly DateTimeOffset TermStart = new(2026, 9, 7, 0, 0, 0, TimeSpan.FromHours(8)); // a Monday, Beijing

    public static Task<int> RunAsync(Options options)
    {
        var schools = Math.Max(1, options.Int("schools", 50));
        var pupils = Math.Max(1, options.Int("pupils", 1_200));
        var rounds = Math.Max(2, options.Int("rounds", 10));
        var bookingsPerSecond = Math.Max(1, options.Int("storm-rate", 820)); // docs/benchmarks.md §2, e7588ce, median of 6

        var clock = Stopwatch.StartNew();
        var windows = Enumerable.Range(0, schools).Select(s => Window(new Random(1800 + s), pupils, $"2026-2027-1 school{s + 1}")).ToList();
        var applications = windows.Sum(w => w.Applicants.Count);
        Console.WriteLine(Invariant($"input: {schools} schools, {applications:N0} pupils, {windows.Sum(w => w.Programmes.Count):N0} programmes, {windows.Sum(w => w.Programmes.Sum(p => p.Seats)):N0} seats, {windows.Sum(w => w.Applicants.Sum(a => a.Choices.Count)):N0} ranked choices; generated in {clock.ElapsedMilliseconds} ms"));

        var failures = new List<string>();
        var (lotteryAll, firstComeAll, lotterySchool, firstComeSchool) = (new Latencies(), new Latencies(), new Latencies(), new Latencies());
        double lotteryCold = 0, firstComeCold = 0;
        var results = new AllocationResult[schools];
        var cpu = CpuWindow.Start();
        var (lotteryCpu, firstComeCpu) = (TimeSpan.Zero, TimeSpan.Zero);
        using var self = Process.GetCurrentProcess();
        for (var round = 0; round < rounds; round++)
        {
            self.Refresh();
            var cpuBefore = self.TotalProcessorTime;
            var all = Stopwatch.GetTimestamp();
            for (var s = 0; s < schools; s++)
            {
                var one = Stopwatch.GetTimestamp();
                results[s] = AllocationEngine.Allocate(windows[s]);
                if (round > 0) lotterySchool.AddSince(one);
            }
            if (round == 0) lotteryCold = Stopwatch.GetElapsedTime(all).TotalMilliseconds; else lotteryAll.AddSince(all);
            self.Refresh();
            if (round > 0) lotteryCpu += self.TotalProcessorTime - cpuBefore;
            cpuBefore = self.TotalProcessorTime;

            all = Stopwatch.GetTimestamp();
            for (var s = 0; s < schools; s++)
            {
                var one = Stopwatch.GetTimestamp();
                AllocationEngine.Allocate(windows[s] with { Mode = AllocationMode.FirstCome, Seed = null });
                if (round > 0) firstComeSchool.AddSince(one);
            }
            if (round == 0) firstComeCold = Stopwatch.GetElapsedTime(all).TotalMilliseconds; else firstComeAll.AddSince(all);
            self.Refresh();
            if (round > 0) firstComeCpu += self.TotalProcessorTime - cpuBefore;
        }
        var window = cpu.Stop();

        for (var s = 0; s < schools; s++) Check(windows[s], results[s], failures);
        var verify = Stopwatch.GetTimestamp();
        var verified = windows.Select((w, s) => AllocationEngine.Verify(w, results[s]).Matches).Count(ok => ok);
        var verifyMs = Stopwatch.GetElapsedTime(verify).TotalMilliseconds;
        if (verified != schools) failures.Add($"{schools - verified} schools' results did not verify");

        // Breakdown, same input: the input digest alone (part of every run's audit), 5 times over all schools, median.
        var digests = new Latencies();
        for (var i = 0; i < 5; i++)
        {
            var at = Stopwatch.GetTimestamp();
            foreach (var w in windows) AllocationDigest.Of(w);
            digests.AddSince(at);
        }

        var placements = results.Sum(r => r.Placements.Count);
        var placed = results.Sum(r => r.Placements.Select(p => p.PupilId).Distinct().Count());
        var firstChoice = results.Sum(r => r.Placements.Count(p => p.Round == 1 && p.ChoiceRank == 1));
        var hardship = windows.SelectMany(w => w.Applicants).Where(a => a.Flags!.Contains("hardship")).Select(a => a.PupilId).ToHashSet();
        var firstChoiceOf = results.SelectMany(r => r.Placements).Where(p => p.Round == 1 && p.ChoiceRank == 1).Select(p => p.PupilId).ToHashSet();
        var hardshipRate = hardship.Count(firstChoiceOf.Contains) / (double)Math.Max(1, hardship.Count);
        var otherRate = (firstChoiceOf.Count - hardship.Count(firstChoiceOf.Contains)) / (double)Math.Max(1, applications - hardship.Count);
        var waiting = results.Sum(r => r.WaitingLists.Values.Sum(l => l.Count));

        Console.WriteLine(Invariant($"outcome: {placements:N0} placements, {placed:N0} of {applications:N0} pupils placed ({100.0 * placed / applications:F1}%), {firstChoice:N0} first choices in round 1; {waiting:N0} waiting-list entries"));
        Console.WriteLine(Invariant($"  first choice won: hardship pupils (weight 3) {100 * hardshipRate:F1}%, others {100 * otherRate:F1}% ({hardship.Count:N0} hardship pupils)"));
        Console.WriteLine(Invariant($"lottery, all {schools} schools one after another: first (cold) {lotteryCold:F0} ms; then ") + lotteryAll.Summary());
        Console.WriteLine("  per school                        " + lotterySchool.Summary());
        Console.WriteLine(Invariant($"  CPU of this process per all-schools lottery (mean, GC included): {lotteryCpu.TotalMilliseconds / (rounds - 1):F0} ms"));
        Console.WriteLine(Invariant($"first come, all {schools} schools: first (cold) {firstComeCold:F0} ms; then ") + firstComeAll.Summary());
        Console.WriteLine("  per school                        " + firstComeSchool.Summary());
        Console.WriteLine(Invariant($"  CPU of this process per all-schools first come (mean, GC included): {firstComeCpu.TotalMilliseconds / (rounds - 1):F0} ms"));
        Console.WriteLine(Invariant($"verify (re-run and compare) all {schools} schools: {verifyMs:F0} ms; the input digest alone, all schools: p50 {digests.Percentile(50):F0} ms"));
        var lotteryRate = placements / (lotteryAll.Percentile(50) / 1000);
        Console.WriteLine(Invariant($"vs the booking storm at {bookingsPerSecond} bookings/s: the lottery places {lotteryRate:N0}/s ({lotteryRate / bookingsPerSecond:F0}×); the storm would need {placements / (double)bookingsPerSecond:F1} s for these {placements:N0} placements, the lottery took {lotteryAll.Percentile(50) / 1000:F2} s (p50)"));
        Console.WriteLine("  " + window.Replace("host 0.00; benchmark client", "this process", StringComparison.Ordinal));
        foreach (var failure in failures.Take(20)) Console.WriteLine("FAILED: " + failure);
        return Task.FromResult(failures.Count == 0 ? 0 : 1);
    }

    /// <summary>
    /// One school: 20–40 programmes, each a weekly series of 16 sessions on one weekday in one of three slots (15:30–16:30,
    /// 16:30–17:30, 15:40–17:10 — the third clashes with both), 15–40 seats, 40% of them for a grade band (1–3 or 4–6); pupils of
    /// grades 1–6 rank 3 programmes open to their grade, popular ones more often (weight 1/(rank+3)), 10% hold a weekly
    /// commitment elsewhere; submitted over the window's first hour.
    /// </summary>
    private static AllocationRequest Window(Random random, int pupils, string seed)
    {
        (int From, int To)[] slots = [(15 * 60 + 30, 16 * 60 + 30), (16 * 60 + 30, 17 * 60 + 30), (15 * 60 + 40, 17 * 60 + 10)];
        var count = random.Next(20, 41);
        var programmes = new List<ProgrammeSeats>(count);
        for (var i = 0; i < count; i++)
        {
            var (day, slot) = (random.Next(5), slots[random.Next(slots.Length)]);
            int[]? grades = random.Next(10) switch { < 2 => [1, 2, 3], < 4 => [4, 5, 6], _ => null };
            programmes.Add(new ProgrammeSeats(Id(random), random.Next(15, 41), Weekly(day, slot), grades));
        }
        var applicants = new List<Applicant>(pupils);
        for (var n = 0; n < pupils; n++)
        {
            var grade = 1 + n % 6;
            var open = programmes.Select((p, i) => (p, i)).Where(x => x.p.Admits(grade)).ToList();
            var choices = new List<Guid>(3);
            while (choices.Count < Math.Min(3, open.Count))
            {
                var pick = Popular(random, open.Count);
                if (!choices.Contains(open[pick].p.ProgrammeId)) choices.Add(open[pick].p.ProgrammeId);
            }
            List<string> flags = [];
            if (random.Next(100) < 8) flags.Add("hardship");
            if (random.Next(100) < 25) flags.Add("no-activity");
            TimeSlot[] held = random.Next(10) == 0 ? Weekly(random.Next(5), slots[random.Next(2)]) : [];
            applicants.Add(new Applicant(Id(random), grade, choices, TermStart.AddDays(-7).AddMilliseconds(random.Next(3_600_000)), flags, held));
        }
        return new AllocationRequest(programmes, applicants, 2, AllocationMode.Lottery, seed,
            new Dictionary<string, int> { ["hardship"] = 3, ["no-activity"] = 2 });
    }

    private static int Popular(Random random, int n)
    {
        // Harmonic-like popularity: programme i drawn with weight 1/(i+3).
        var total = Enumerable.Range(0, n).Sum(i => 1.0 / (i + 3));
        var x = random.NextDouble() * total;
        for (var i = 0; i < n; i++) if ((x -= 1.0 / (i + 3)) <= 0) return i;
        return n - 1;
    }

    private static TimeSlot[] Weekly(int day, (int From, int To) slot) =>
        [.. Enumerable.Range(0, 16).Select(w => new TimeSlot(TermStart.AddDays(7 * w + day).AddMinutes(slot.From), TermStart.AddDays(7 * w + day).AddMinutes(slot.To)))];

    private static Guid Id(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }

    /// <summary>Seats, clashes and the cap, recomputed from the result (the property tests check much more; this guards the figures).</summary>
    private static void Check(AllocationRequest request, AllocationResult result, List<string> failures)
    {
        var programmes = request.Programmes.ToDictionary(p => p.ProgrammeId);
        foreach (var g in result.Placements.GroupBy(p => p.ProgrammeId))
            if (g.Count() > programmes[g.Key].Seats) failures.Add($"{request.Seed}: programme {g.Key} oversold");
        var held = request.Applicants.ToDictionary(a => a.PupilId, a => a.Commitments ?? []);
        foreach (var g in result.Placements.GroupBy(p => p.PupilId))
        {
            if (g.Count() > request.CapPerPupil) failures.Add($"{request.Seed}: pupil {g.Key} over the cap");
            var times = g.SelectMany(p => programmes[p.ProgrammeId].Sessions).Concat(held[g.Key]).OrderBy(t => t.Start).ToList();
            if (times.Zip(times.Skip(1)).Any(x => x.First.Overlaps(x.Second))) failures.Add($"{request.Seed}: pupil {g.Key} double-booked");
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
