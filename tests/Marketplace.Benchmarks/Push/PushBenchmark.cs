using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Marketplace.Benchmarks.Infrastructure;

namespace Marketplace.Benchmarks.Push;

/// <summary>
/// Live fan-out: many anonymous SignalR watchers of a few offerings; bookings made one at a time; for each, the delay
/// from the POST response (the commit) until every watcher of that offering has received availabilityChanged.
/// </summary>
internal static class PushBenchmark
{
    private const int WarmUpBookings = 20;
    private const int SessionsPerOffering = 5;
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(Options options)
    {
        var clientCount = Math.Max(1, options.Int("clients", 1_000));
        var bookings = Math.Max(1, options.Int("bookings", 200));
        var offeringCount = Math.Max(1, options.Int("offerings", 4));
        var minThreads = options.Int("min-threads", 0);
        if (minThreads > 0)
        {
            ThreadPool.GetMinThreads(out _, out var io);
            ThreadPool.SetMinThreads(minThreads, Math.Max(io, minThreads));
            Console.WriteLine($"benchmark process: thread pool minimum raised to {minThreads}");
        }
        using var temp = new TempFolder(options, "push");

        await using var host = await HostProcess.StartAsync("push", HostSettings.For(temp.Sub("data"), seedDemo: true, options), temp.Sub("host.log"), TimeSpan.FromMinutes(5));
        Console.WriteLine(Invariant($"host pid {host.Pid} (demo seed) ready in {host.StartupTime.TotalSeconds:F1} s"));
        using var provider = HttpApi.Client(host.BaseAddress, await HttpApi.LoginAsync(host.BaseAddress, "provider1"));
        using var bureau = HttpApi.Client(host.BaseAddress, await HttpApi.LoginAsync(host.BaseAddress, "bureau-110105"));
        var schools = new List<(HttpClient Http, int Grade)>();
        foreach (var n in new[] { 1, 2, 3, 4 }) schools.Add((HttpApi.Client(host.BaseAddress, await HttpApi.LoginAsync(host.BaseAddress, $"school{n}")), CatalogSetup.GradeFor(n)));

        var capacity = Math.Max(10, (bookings + WarmUpBookings) / (offeringCount * SessionsPerOffering) + 1);
        var offerings = new List<(Guid Id, Guid[] Sessions)>();
        for (var o = 0; o < offeringCount; o++)
            offerings.Add(await CatalogSetup.CreateOfferingAsync(provider, bureau, $"压测：实时推送 {o + 1}", SessionsPerOffering, capacity, firstDay: 14 + o * 10));

        var rssBefore = host.RssKb;
        var watchers = new Watcher?[clientCount];
        try
        {
            var connect = Stopwatch.StartNew();
            using (var gate = new SemaphoreSlim(50))
            {
                await Task.WhenAll(Enumerable.Range(0, clientCount).Select(async i =>
                {
                    await gate.WaitAsync();
                    try { watchers[i] = await Watcher.StartAsync(host.BaseAddress, offerings[i % offeringCount].Id); }
                    finally { gate.Release(); }
                }));
            }
            Console.WriteLine(Invariant($"{clientCount} SignalR connections open and watching in {connect.Elapsed.TotalSeconds:F1} s; host RSS {host.RssKb / 1024} MB (before {rssBefore / 1024} MB)"));

            var cpu = CpuWindow.Start(host.Pid);
            var result = await BookAsync(offerings, watchers.Select(w => w!).ToArray(), schools, bookings, capacity);
            var cpuLine = cpu.Stop();
            Console.WriteLine();
            Console.WriteLine(Invariant($"{bookings} bookings one at a time (after {WarmUpBookings} warm-up), {clientCount} watchers over {offeringCount} offerings (~{clientCount / offeringCount} per booking), {result.Pairs.Count} (booking, watcher) deliveries"));
            Console.WriteLine("  POST response → availabilityChanged, all pairs:  " + result.Pairs.Summary());
            Console.WriteLine("  per booking, slowest watcher:                     " + result.PerBookingMax.Summary());
            Console.WriteLine("  POST sent → availabilityChanged, all pairs:       " + result.FromSend.Summary());
            Console.WriteLine("  POST /api/bookings latency:                       " + result.Post.Summary());
            Console.WriteLine(Invariant($"  deliveries that beat the POST response (counted as 0 ms): {result.Early}; missing after {DeliveryTimeout.TotalSeconds:F0} s: {result.Missing}; failed POSTs: {result.Failed}"));
            Console.WriteLine("  " + cpuLine);
            Console.WriteLine(Invariant($"  target p99 < 100 ms: {(result.Pairs.Percentile(99) < 100 && result.Missing == 0 ? "met" : "NOT met")}"));
            Console.WriteLine(Invariant($"host RSS with {clientCount} connections after the run: {host.RssKb / 1024.0:F0} MB (peak {host.PeakRssKb / 1024.0:F0} MB)"));
            return result.Missing == 0 && result.Failed == 0 ? 0 : 3;
        }
        finally
        {
            await Task.WhenAll(watchers.Where(w => w is not null).Select(w => w!.DisposeAsync().AsTask()));
            foreach (var (http, _) in schools) http.Dispose();
        }
    }

    private sealed record PushResult(Latencies Pairs, Latencies PerBookingMax, Latencies FromSend, Latencies Post, int Early, int Missing, int Failed);

    private static async Task<PushResult> BookAsync(List<(Guid Id, Guid[] Sessions)> offerings, Watcher[] watchers, List<(HttpClient Http, int Grade)> schools, int bookings, int capacity)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var pairs = new Latencies();
        var perBookingMax = new Latencies();
        var fromSend = new Latencies();
        var post = new Latencies();
        int early = 0, missing = 0, failed = 0;
        var reserved = new Dictionary<Guid, int>();
        for (var b = 0; b < bookings + WarmUpBookings; b++)
        {
            var (offeringId, sessions) = offerings[b % offerings.Count];
            var sessionId = sessions[b / offerings.Count % sessions.Length];
            var audience = watchers.Where(w => w.OfferingId == offeringId).ToArray();
            var taken = reserved.GetValueOrDefault(sessionId) + 1;
            var round = new Round(sessionId, taken, capacity - taken, audience.Length);
            foreach (var w in audience) w.Expect(round);

            var (http, grade) = schools[b % schools.Count];
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/bookings")
            {
                Content = JsonContent.Create(new { sessionId, pupils = 1, grades = new[] { grade }, contactName = "课后服务负责人", contactPhone = "13800138000" }, options: HttpApi.Json),
            };
            request.Headers.Add("Idempotency-Key", $"push-{run}-{b}");
            var sent = Stopwatch.GetTimestamp();
            using (var response = await http.SendAsync(request))
            {
                await response.Content.ReadAsByteArrayAsync();
                if ((int)response.StatusCode != 201)
                {
                    failed++;
                    continue;
                }
            }
            var committed = Stopwatch.GetTimestamp();
            reserved[sessionId] = round.Reserved;
            await Task.WhenAny(round.Done.Task, Task.Delay(DeliveryTimeout));
            if (b < WarmUpBookings) continue;

            post.Add(Ms(sent, committed));
            missing += audience.Length - round.Received;
            var slowest = 0.0;
            foreach (var arrival in round.Arrivals)
            {
                if (arrival < committed) early++;
                var ms = Math.Max(0, Ms(committed, arrival));
                pairs.Add(ms);
                fromSend.Add(Ms(sent, arrival));
                slowest = Math.Max(slowest, ms);
            }
            perBookingMax.Add(slowest);
        }
        return new PushResult(pairs, perBookingMax, fromSend, post, early, missing, failed);
    }

    private static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
