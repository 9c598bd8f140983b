using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Marketplace.Benchmarks.Infrastructure;

namespace Marketplace.Benchmarks.Bookings;

/// <summary>
/// Term booking (issue 13): many schools post a series of <c>span</c> sessions each, at once, over overlapping ranges of one
/// offering's sessions. Reports series/s and the latency of 201s and 409s separately; checks that no session is over capacity,
/// that every all-or-nothing series has all its sessions (read back with GET /api/booking-series/{id}), and that the seats
/// reserved match what the 201s booked.
/// </summary>
internal static class SeriesBenchmark
{

    public static async Task<int> RunAsync(Options options)
    {
        var sessionCount = Math.Clamp(options.Int("sessions", 24), 1, 500);
        var span = Math.Clamp(options.Int("span", 18), 1, Math.Min(60, sessionCount));
        var clientCount = Math.Max(1, options.Int("schools", 50));
        var capacity = Math.Max(1, options.Int("capacity", 30));
        var pupils = Math.Clamp(options.Int("pupils", 1), 1, 40);
        var rounds = Math.Max(1, options.Int("rounds", 3));
        var warmUp = Math.Max(0, options.Int("warmup", 200));
        var allowPartial = options.Flag("allow-partial");
        var instances = Math.Clamp(options.Int("instances", 1), 1, 2);
        using var temp = new TempFolder(options, "series");
        var database = temp.Sub("shared/marketplace.db");
        var signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

        Dictionary<string, string> Env(string data, bool seed)
        {
            var env = HostSettings.For(temp.Sub(data), seed, options);
            env["Marketplace__Sqlite__DatabasePath"] = database;
            env["Marketplace__Jwt__SigningKey"] = signingKey;
            env["Marketplace__LoginsPerMinute"] = "120"; // set-up logins only
            return env;
        }

        var outcomes = new List<SeriesOutcome>();
        var wall = TimeSpan.Zero;
        var report = new List<string>();
        var failures = new List<string>();
        var a = await HostProcess.StartAsync("A", Env("a", seed: true), temp.Sub("host-a.log"), TimeSpan.FromMinutes(5));
        var b = instances == 2 ? await HostProcess.StartAsync("B", Env("b", seed: false), temp.Sub("host-b.log"), TimeSpan.FromMinutes(5)) : null;
        try
        {
            HostProcess[] hosts = b is null ? [a] : [a, b];
            using var provider = HttpApi.Client(a.BaseAddress, await HttpApi.LoginAsync(a.BaseAddress, "provider1"));
            using var bureau = HttpApi.Client(a.BaseAddress, await HttpApi.LoginAsync(a.BaseAddress, "bureau-110105"));
            var schools = new List<(int School, string Token)>();
            foreach (var (s, i) in CatalogSetup.BeijingSchools.Select((s, i) => (s, i)))
                schools.Add((s, await HttpApi.LoginAsync(hosts[i % hosts.Length].BaseAddress, $"school{s}")));
            var day = 14;

            if (warmUp > 0)
            {
                var warm = await CatalogSetup.CreateOfferingAsync(provider, bureau, "压测：系列预热", sessionCount, Math.Max(capacity, warmUp), day);
                day += sessionCount + 1;
                var warmed = await SeriesStorm.FireAsync(hosts, [.. schools], warm.OfferingId, warm.SessionIds, warmUp, span, pupils, allowPartial);
                Console.WriteLine(Invariant($"warm-up: {warmed.Count} series ({warmed.Count(o => o.Status == 201)} created), not counted"));
            }

            var cpu = CpuWindow.Start(hosts.Select(h => h.Pid).ToArray());
            for (var round = 0; round < rounds; round++)
            {
                var offering = await CatalogSetup.CreateOfferingAsync(provider, bureau, $"压测：系列专场 {round + 1}", sessionCount, capacity, day);
                day += sessionCount + 1;
                var clock = Stopwatch.StartNew();
                var storm = await SeriesStorm.FireAsync(hosts, [.. schools], offering.OfferingId, offering.SessionIds, clientCount, span, pupils, allowPartial);
                wall += clock.Elapsed;
                outcomes.AddRange(storm);
                await CheckAsync(a.BaseAddress, provider, schools, storm, offering.OfferingId, capacity, span, allowPartial, failures);
            }
            report.Add("  storms' " + cpu.Stop());
        }
        finally
        {
            if (b is not null) await b.DisposeAsync();
            await a.DisposeAsync();
        }

        var created = outcomes.Where(o => o.Status == 201).ToList();
        var refused = outcomes.Where(o => o.Status == 409).ToList();
        var other = outcomes.Where(o => o.Status is not (201 or 409)).ToList();
        var ok = new Latencies();
        ok.AddRange(created.Select(o => o.Ms));
        var no = new Latencies();
        no.AddRange(refused.Select(o => o.Ms));
        report.InsertRange(0,
        [
            Invariant($"{rounds} round(s) × {clientCount} concurrent POST /api/booking-series of {span} sessions ({pupils} pupil(s) each) over {sessionCount} sessions × {capacity} seats, {instances} instance(s), allowPartial {allowPartial}, in {wall.TotalSeconds:F2} s"),
            Invariant($"  201 {created.Count}, 409 {refused.Count} ({string.Join(", ", refused.GroupBy(o => o.Code).Select(g => $"{g.Key} {g.Count()}"))}), other {other.Count}"),
            Invariant($"  series/s {outcomes.Count / wall.TotalSeconds:F1}; seats committed/s {created.Sum(o => o.Booked * o.Pupils) / wall.TotalSeconds:F0}"),
            Invariant($"  sessions booked per 201 {(created.Count == 0 ? 0 : created.Average(o => o.Booked)):F1}, unbooked per 201 {(created.Count == 0 ? 0 : created.Average(o => o.Unbooked)):F1} (allowPartial: each unbooked round is one more commit)"),
            "  latency 201s: " + ok.Summary(),
            "  latency 409s: " + no.Summary(),
            .. failures.Select(f => "  CHECK FAILED: " + f),
        ]);
        Console.WriteLine();
        foreach (var line in report) Console.WriteLine(line);
        if (failures.Count > 0 || other.Count > 0)
            throw new BenchmarkFailedException($"{failures.Count} check(s) failed, {other.Count} unexpected answers");
        return 0;
    }

    /// <summary>No session over capacity; every series all or nothing (read back); reserved seats equal what the 201s booked.</summary>
    private static async Task CheckAsync(Uri host, HttpClient provider, List<(int School, string Token)> schools, List<SeriesOutcome> storm, Guid offeringId,
        int capacity, int span, bool allowPartial, List<string> failures)
    {
        var sessions = await HttpApi.GetAsync(provider, $"api/offerings/{offeringId}/sessions?limit=500");
        var reserved = sessions.EnumerateArray().Sum(s => s.GetProperty("reserved").GetInt32());
        failures.AddRange(sessions.EnumerateArray().Where(s => s.GetProperty("reserved").GetInt32() > capacity)
            .Select(s => $"session {s.GetProperty("id").GetGuid()} holds {s.GetProperty("reserved").GetInt32()} > {capacity}"));
        var booked = 0;
        foreach (var o in storm.Where(o => o.Status == 201))
        {
            using var school = HttpApi.Client(host, schools[o.Client % schools.Count].Token);
            var series = await HttpApi.GetAsync(school, $"api/booking-series/{o.SeriesId}");
            var count = series.GetProperty("sessions").GetArrayLength();
            if (!allowPartial && count != span) failures.Add($"series {o.SeriesId} has {count} of {span} sessions");
            booked += series.GetProperty("totals").GetProperty("pupilSessions").GetInt32();
        }
        if (booked != reserved) failures.Add(Invariant($"offering {offeringId}: reserved {reserved} but the series booked {booked} pupil-sessions"));
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
