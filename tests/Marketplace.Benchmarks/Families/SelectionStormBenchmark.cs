using System.Globalization;
using System.Security.Cryptography;
using Marketplace.Benchmarks.Bookings;
using Marketplace.Benchmarks.Infrastructure;
using Marketplace.Core.Families.Allocation;
using Marketplace.Core.Families.Selection;
using Marketplace.Core.Persistence;
using Marketplace.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Benchmarks.Families;

/// <summary>
/// Course selection's first-come storm (issue 18: "2,000 guardians of one school inside 10 s, p99, 0 oversold, as ratios to the
/// booking storm"). One host on loopback; one school with 2,000 pupils, each with its own signed-in guardian; a first-come window over
/// 20 programmes (pairs at the same hour) whose seats are far fewer than the demand; every guardian sends one application with three
/// ranked choices, all at the opening instant (or spread over --spread-ms). Then the booking storm's code with the same shape — the
/// same number of one-shot clients on the same host — for the ratio. Checks: counters and a recount of the applications agree and
/// never exceed the seats, no pupil in two overlapping sessions, the cap, waiting positions 1…n in submission order.
/// </summary>
internal static class SelectionStormBenchmark
{
    private const string School = "school2";

    public static async Task<int> RunAsync(Options options)
    {
        var quick = options.Flag("quick");
        var guardianCount = Math.Max(1, options.Int("guardians", quick ? 200 : 2_000));
        var programmeCount = Math.Clamp(options.Int("programmes", quick ? 6 : 20), 2, SelectionWindow.MaxProgrammes);
        var seats = Math.Clamp(options.Int("seats", quick ? 10 : 30), 1, 40);
        var cap = Math.Clamp(options.Int("cap", 2), 1, AllocationRequest.MaxCap);
        var spreadMs = options.Int("spread-ms", 0);
        var warmUp = options.Int("warmup", quick ? 100 : 400);
        var bookingRequests = Math.Max(1, options.Int("booking-requests", guardianCount));
        var bookingSessions = Math.Clamp(options.Int("booking-sessions", Math.Max(1, bookingRequests / 40)), 1, 500);
        using var temp = new TempFolder(options, "selection-storm");
        var database = temp.Sub("shared/marketplace.db");
        var signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        var env = HostSettings.For(temp.Sub("a"), seedDemo: true, options);
        env["Marketplace__Sqlite__DatabasePath"] = database;
        env["Marketplace__Jwt__SigningKey"] = signingKey;
        env["Marketplace__LoginsPerMinute"] = "120"; // set-up logins only

        var report = new List<string>();
        var failures = new List<string>();
        List<ApplyOutcome> outcomes;
        List<Outcome> bookings;
        TimeSpan wall, bookingWall;
        Guid windowId;
        Guid[] programmes, bookingSessionIds;
        Dictionary<Guid, (int Capacity, int Reserved)> sessionsSeen;
        List<WaitingRow> waiting;
        var a = await HostProcess.StartAsync("A", env, temp.Sub("host-a.log"), TimeSpan.FromMinutes(5));
        try
        {
            Console.WriteLine(Invariant($"host A pid {a.Pid} (demo seed) ready in {a.StartupTime.TotalSeconds:F1} s; store {database}"));
            using var provider = HttpApi.Client(a.BaseAddress, await HttpApi.LoginAsync(a.BaseAddress, "provider1"));
            using var bureau = HttpApi.Client(a.BaseAddress, await HttpApi.LoginAsync(a.BaseAddress, "bureau-110105"));
            var schoolTokens = new (int Number, string Token)[CatalogSetup.BeijingSchools.Length];
            for (var s = 0; s < schoolTokens.Length; s++)
                schoolTokens[s] = (CatalogSetup.BeijingSchools[s], await HttpApi.LoginAsync(a.BaseAddress, $"school{CatalogSetup.BeijingSchools[s]}"));
            using var school = HttpApi.Client(a.BaseAddress, schoolTokens.Single(t => t.Number == 2).Token);
            var schoolId = await OrganizationAsync(a.BaseAddress);

            var setup = System.Diagnostics.Stopwatch.StartNew();
            programmes = await SelectionStormSetup.ConfirmedBookingsAsync(provider, bureau, school, programmeCount, seats, firstDay: 14, "压测：选课专场");
            var warmProgrammes = await SelectionStormSetup.ConfirmedBookingsAsync(provider, bureau, school, 4, seats, firstDay: 30, "压测：选课预热");
            var guardians = await SelectionStormSetup.FamiliesAsync(database, signingKey, schoolId, 0, guardianCount, programmes, choices: 3);
            var warmGuardians = warmUp > 0 ? await SelectionStormSetup.FamiliesAsync(database, signingKey, schoolId, guardianCount, warmUp, warmProgrammes, 3) : new List<StormGuardian>();
            windowId = await OpenAsync(school, "2026 秋季选课（压测）", programmes, cap);
            var warmWindow = await OpenAsync(school, "选课预热", warmProgrammes, cap);
            var bookingOffering = await CatalogSetup.CreateOfferingAsync(provider, bureau, "压测：抢座对照", bookingSessions, 30, firstDay: 40);
            bookingSessionIds = bookingOffering.SessionIds;
            Console.WriteLine(Invariant($"set-up in {setup.Elapsed.TotalSeconds:F1} s: {programmeCount} programmes × {seats} seats, {guardianCount} pupils with a guardian each (+{warmUp} for the warm-up), {bookingSessions} booking sessions × 30"));

            // Warm-up, not measured: both request paths, so the host's JIT has tiered them up before either storm.
            if (warmUp > 0)
            {
                var (warmed, warmWall) = await SelectionStorm.FireAsync(a.BaseAddress, warmWindow, warmGuardians, 0);
                var warmOffering = await CatalogSetup.CreateOfferingAsync(provider, bureau, "压测：抢座预热", Math.Max(1, warmUp / 40), 30, firstDay: 40 + bookingSessions + 1);
                var (warmBooked, _) = await BookingStorm.FireAsync([a], schoolTokens, warmOffering.SessionIds, warmUp, warmUp);
                Console.WriteLine(Invariant($"warm-up: {warmed.Count} applications in {warmWall.TotalSeconds:F1} s, {warmBooked.Count} booking requests; not counted"));
            }

            var cpu = CpuWindow.Start(a.Pid);
            (outcomes, wall) = await SelectionStorm.FireAsync(a.BaseAddress, windowId, guardians, spreadMs);
            report.Add("  selection storm's " + cpu.Stop());
            waiting = await WaitingAsync(school, windowId);
            report.Add(await ReadCostAsync(school, windowId, guardians, outcomes, cap));

            cpu = CpuWindow.Start(a.Pid);
            (bookings, bookingWall) = await BookingStorm.FireAsync([a], schoolTokens, bookingSessionIds, bookingRequests, bookingRequests);
            report.Add("  booking storm's " + cpu.Stop());
            using var anyone = HttpApi.Client(a.BaseAddress);
            sessionsSeen = (await HttpApi.GetAsync(anyone, $"api/offerings/{bookingOffering.OfferingId}/sessions?limit=500")).EnumerateArray()
                .ToDictionary(s => s.GetProperty("id").GetGuid(), s => (s.GetProperty("capacity").GetInt32(), s.GetProperty("reserved").GetInt32()));
            report.Add(Invariant($"host RSS after the run {a.RssKb / 1024.0:F0} MB (peak {a.PeakRssKb / 1024.0:F0} MB)"));
        }
        finally
        {
            await a.DisposeAsync();
        }

        // The stored truth, read through the store port with the host stopped.
        var stored = await SelectionStormChecks.ReadAsync(database, windowId);
        SelectionStormChecks.Verify(stored, cap, waiting, failures);
        var storedBookings = await StoreProbes.CountStoredAsync(database, bookingSessionIds);

        var created = outcomes.Where(o => o.Status == 201).ToList();
        var unexpected = outcomes.Where(o => o.Status != 201).ToList();
        if (unexpected.Count > 0) failures.Add($"{unexpected.Count} applications not answered 201: " + string.Join(", ", unexpected.GroupBy(o => (o.Status, o.Code)).Select(g => $"{g.Key.Status} {g.Key.Code} × {g.Count()}")));
        var placements = created.Sum(o => o.Placed);
        var totalSeats = stored.Seats.Sum(s => s.Capacity);
        if (placements != stored.Seats.Sum(s => s.Taken)) failures.Add($"the 201s placed {placements} but the counters hold {stored.Seats.Sum(s => s.Taken)}");
        var all = Lat(outcomes.Select(o => o.Ms));
        var gone90 = Gone(created, (int)Math.Ceiling(0.9 * totalSeats));
        var goneAll = Gone(created, totalSeats);

        var booked = bookings.Where(o => o.Status == 201).ToList();
        var bookingOther = bookings.Count(o => o.Status != 201 && !(o.Status == 409 && o.Code == "seats-unavailable"));
        var oversoldSessions = bookingSessionIds.Count(id => sessionsSeen[id].Reserved > sessionsSeen[id].Capacity || storedBookings[id] > sessionsSeen[id].Capacity
            || storedBookings[id] != sessionsSeen[id].Reserved);
        if (oversoldSessions > 0) failures.Add($"booking storm: {oversoldSessions} sessions oversold or miscounted");
        var bookingAll = Lat(bookings.Select(o => o.Ms));
        var selectionRate = outcomes.Count / wall.TotalSeconds;
        var bookingRate = bookings.Count / bookingWall.TotalSeconds;

        report.InsertRange(0,
        [
            Invariant($"selection storm: {guardianCount} guardians of one school, one POST /api/selection-windows/{{id}}/applications each ({(spreadMs == 0 ? "all released at the opening instant" : $"spread over {spreadMs} ms, latency from the scheduled send")}), first come, cap {cap}, 3 ranked choices; answered in {wall.TotalSeconds:F2} s"),
            Invariant($"  201 {created.Count} ({created.Count(o => o.Placed > 0)} placed, {created.Count(o => o.Placed == 0)} waiting), other {unexpected.Count}; {placements} placements on {totalSeats} seats ({stored.Seats.Count} programmes)"),
            Invariant($"  throughput {selectionRate:F0} applications/s; latency {all.Summary()}"),
            Invariant($"  seats gone: 90% ({Math.Ceiling(0.9 * totalSeats)}) by {gone90 / 1000:F2} s, all by {goneAll / 1000:F2} s after the opening (answer times); every answer within 10 s: {(outcomes.Max(o => o.DoneAtMs) <= 10_000 ? "yes" : "NO")} (last at {outcomes.Max(o => o.DoneAtMs) / 1000:F2} s)"),
            Invariant($"  counters: taken {stored.Seats.Sum(s => s.Taken)} / capacity {totalSeats}, oversold programmes {stored.Seats.Count(s => s.Taken > s.Capacity)}; recount of stored applications: {stored.Applications.Sum(x => x.Placements.Count)} placements"),
            Invariant($"  checks: {stored.Checks}"),
            Invariant($"  the first-come engine re-run over the stored submissions (submittedAt order, same seats) gives the same placements for {stored.EngineAgrees}/{stored.Applications.Count} pupils"),
            Invariant($"booking storm (same run, same host, the bookings benchmark's code): {bookings.Count} POST /api/bookings from {bookingRequests} one-shot clients on {bookingSessionIds.Length} sessions × 30 seats, in {bookingWall.TotalSeconds:F2} s"),
            Invariant($"  201 {booked.Count}, 409 seats-unavailable {bookings.Count - booked.Count - bookingOther}, other {bookingOther}; oversold or miscounted sessions {oversoldSessions}"),
            Invariant($"  throughput {bookingRate:F0} requests/s ({booked.Count / bookingWall.TotalSeconds:F0} bookings/s); latency {bookingAll.Summary()}"),
            Invariant($"ratios selection / booking: throughput {selectionRate / bookingRate:F2} (requests answered/s); p50 {all.Percentile(50) / bookingAll.Percentile(50):F2}, p99 {all.Percentile(99) / bookingAll.Percentile(99):F2}, max {all.Max() / bookingAll.Max():F2}"),
            .. failures.Select(f => "  CHECK FAILED: " + f),
        ]);
        Console.WriteLine();
        foreach (var line in report) Console.WriteLine(line);
        return failures.Count == 0 ? 0 : 3;
    }

    /// <summary>Milliseconds after the opening when <paramref name="n"/> placements had been answered.</summary>
    private static double Gone(List<ApplyOutcome> created, int n)
    {
        var sum = 0;
        foreach (var o in created.Where(o => o.Placed > 0).OrderBy(o => o.DoneAtMs))
            if ((sum += o.Placed) >= n) return o.DoneAtMs;
        return double.NaN;
    }

    private static Latencies Lat(IEnumerable<double> values)
    {
        var l = new Latencies();
        l.AddRange(values);
        return l;
    }

    private static async Task<Guid> OrganizationAsync(Uri host)
    {
        using var http = HttpApi.Client(host);
        var body = await HttpApi.PostAsync(http, "api/auth/token", new { username = School, password = HttpApi.DemoPassword });
        return body.GetProperty("organizationId").GetGuid();
    }

    private static async Task<Guid> OpenAsync(HttpClient school, string title, Guid[] programmes, int cap)
    {
        var window = await HttpApi.PostAsync(school, "api/selection-windows", new
        {
            title, opensAt = DateTimeOffset.UtcNow.AddMinutes(-1), closesAt = DateTimeOffset.UtcNow.AddHours(2), mode = "FirstCome", capPerPupil = cap,
            termsVersion = SelectionStormSetup.Terms, safetyPledgeRequired = false, programmes = programmes.Select(id => new { bookingId = id }).ToArray(),
        });
        return window.GetProperty("id").GetGuid();
    }

    /// <summary>
    /// What one application's answer costs to compute once the window is full, read 20 times each by the school: a pupil holding
    /// its cap (no waiting place to compute) and the last pupil waiting (its places are computed from every application of the window).
    /// </summary>
    private static async Task<string> ReadCostAsync(HttpClient school, Guid windowId, List<StormGuardian> guardians, List<ApplyOutcome> outcomes, int cap)
    {
        var full = outcomes.FirstOrDefault(o => o.Placed == cap);
        var waits = outcomes.Where(o => o.Status == 201 && o.Placed == 0).MaxBy(o => o.DoneAtMs);
        if (full is null || waits is null) return "  read cost: not measured (no pupil at the cap, or none waiting)";
        async Task<Latencies> TimeAsync(ApplyOutcome o)
        {
            var pupil = guardians.Single(g => g.Number == o.Guardian).PupilId;
            var appId = Marketplace.Core.Families.Selection.SelectionApplication.IdOf(windowId, pupil);
            await HttpApi.GetAsync(school, $"api/selection-windows/{windowId}/applications/{appId}"); // not timed
            var l = new Latencies();
            for (var i = 0; i < 20; i++)
            {
                var at = System.Diagnostics.Stopwatch.GetTimestamp();
                await HttpApi.GetAsync(school, $"api/selection-windows/{windowId}/applications/{appId}");
                l.AddSince(at);
            }
            return l;
        }
        var (a, b) = (await TimeAsync(full), await TimeAsync(waits));
        return Invariant($"  read cost after the storm, GET one application × 20 (school): a pupil at the cap p50 {a.Percentile(50):F1} ms; the last pupil waiting p50 {b.Percentile(50):F1} ms (its waiting places counted by the store over those ahead of it among {outcomes.Count} applications)");
    }

    /// <summary>The school's view of every application (pages of 500): the waiting places the API computes on read.</summary>
    private static async Task<List<WaitingRow>> WaitingAsync(HttpClient school, Guid windowId)
    {
        var rows = new List<WaitingRow>();
        for (Guid? after = null; ;)
        {
            var page = await HttpApi.GetAsync(school, $"api/selection-windows/{windowId}/applications?limit=500" + (after is null ? "" : $"&after={after}"));
            foreach (var a in page.EnumerateArray())
                foreach (var w in a.GetProperty("waiting").EnumerateArray())
                    rows.Add(new WaitingRow(a.GetProperty("pupilId").GetGuid(), w.GetProperty("programmeId").GetGuid(), w.GetProperty("position").GetInt32(),
                        w.GetProperty("reason").GetString()!));
            if (page.GetArrayLength() < 500) return rows;
            after = page[page.GetArrayLength() - 1].GetProperty("id").GetGuid();
        }
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One waiting place as the school's application list shows it.</summary>
internal sealed record WaitingRow(Guid PupilId, Guid ProgrammeId, int Position, string Reason);

/// <summary>What the store holds after the storm, and the checks over it.</summary>
internal sealed class StoredWindow
{
    public required SelectionWindow Window { get; init; }
    public required IReadOnlyList<SelectionSeats> Seats { get; init; }
    public required IReadOnlyList<SelectionApplication> Applications { get; init; }
    public string Checks { get; set; } = "";
    public int EngineAgrees { get; set; }
}

internal static class SelectionStormChecks
{
    public static async Task<StoredWindow> ReadAsync(string database, Guid windowId)
    {
        await using var services = new ServiceCollection().AddSqliteStore(o => o.DatabasePath = database).BuildServiceProvider();
        var store = services.GetRequiredService<IMarketplaceStore>();
        var window = await store.FindAsync<SelectionWindow>(windowId) ?? throw new BenchmarkFailedException("window not stored");
        var seats = await store.FindManyAsync<SelectionSeats>([.. window.Programmes.Select(p => SelectionSeats.IdOf(windowId, p.ProgrammeId))]);
        var applications = new List<SelectionApplication>();
        for (Guid? after = null; ;)
        {
            var page = await store.ListSelectionApplicationsAsync(new SelectionApplicationFilter(WindowId: windowId, Limit: 1000, After: after));
            applications.AddRange(page);
            if (page.Count < 1000) break;
            after = page[^1].Id;
        }
        return new StoredWindow { Window = window, Seats = seats, Applications = applications };
    }

    /// <summary>Counters = recount ≤ capacity per programme; cap and no overlapping sessions per pupil; waiting positions 1…n in submission order.</summary>
    public static void Verify(StoredWindow s, int cap, List<WaitingRow> waiting, List<string> failures)
    {
        var recount = s.Applications.SelectMany(a => a.Placements).GroupBy(p => p.ProgrammeId).ToDictionary(g => g.Key, g => g.Count());
        var badCounters = s.Seats.Count(x => x.Taken > x.Capacity || recount.GetValueOrDefault(x.ProgrammeId) != x.Taken);
        if (badCounters > 0) failures.Add($"{badCounters} programmes: counter over capacity or not equal to the recount");
        var full = s.Seats.Count(x => x.Taken == x.Capacity);
        var overCap = s.Applications.Count(a => a.Placements.Count > cap);
        var overlapping = s.Applications.Count(a =>
        {
            var slots = a.Placements.SelectMany(p => s.Window.Programme(p.ProgrammeId)!.Sessions).OrderBy(t => t.Start).ToList();
            return slots.Zip(slots.Skip(1)).Any(x => x.First.Overlaps(x.Second));
        });
        if (overCap > 0) failures.Add($"{overCap} pupils over the cap");
        if (overlapping > 0) failures.Add($"{overlapping} pupils in two overlapping sessions");

        var order = s.Applications.OrderBy(a => a.SubmittedAt).ThenBy(a => a.PupilId).Select((a, i) => (a.PupilId, i)).ToDictionary(x => x.PupilId, x => x.i);
        var badLists = 0;
        foreach (var list in waiting.GroupBy(w => w.ProgrammeId))
        {
            var rows = list.OrderBy(w => w.Position).ToList();
            var consecutive = rows.Select((w, i) => w.Position == i + 1).All(ok => ok);
            var inOrder = rows.Zip(rows.Skip(1)).All(x => order[x.First.PupilId] < order[x.Second.PupilId]);
            if (!consecutive || !inOrder) badLists++;
        }
        if (badLists > 0) failures.Add($"{badLists} waiting lists not 1…n in submission order");

        // The reference: the engine in first-come mode over the same submissions and seats.
        var reference = AllocationEngine.Allocate(new AllocationRequest([.. s.Window.Programmes.Select(p => p.ToSeats(p.Seats))],
            [.. s.Applications.Select(a => a.ToApplicant([]))], cap, AllocationMode.FirstCome));
        var expected = reference.Placements.ToLookup(p => p.PupilId, p => p.ProgrammeId);
        s.EngineAgrees = s.Applications.Count(a => a.Placements.Select(p => p.ProgrammeId).Order().SequenceEqual(expected[a.PupilId].Order()));
        s.Checks = string.Create(CultureInfo.InvariantCulture,
            $"programmes full {full}/{s.Seats.Count}; counter = recount ≤ capacity: {(badCounters == 0 ? "yes" : "NO")}; pupils over the cap {overCap}; pupils in overlapping sessions {overlapping}; waiting lists {waiting.Select(w => w.ProgrammeId).Distinct().Count()} with {waiting.Count} places, 1…n in submission order: {(badLists == 0 ? "yes" : "NO")}");
    }
}
