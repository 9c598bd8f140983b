using System.Diagnostics;
using System.Globalization;
using Marketplace.Benchmarks.Infrastructure;
using Marketplace.Core.Persistence;
using Marketplace.Core.Search;
using Marketplace.Core.Shared;
using Marketplace.Search.Lucene;
using Marketplace.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Benchmarks.Search;

/// <summary>
/// Search at scale: N offerings written into the store, the real host rebuilding its Lucene index at start-up,
/// then a timed mix of typical searches from concurrent clients; finally the index alone, in-process.
/// </summary>
internal static class SearchBenchmark
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(Options options)
    {
        var offerings = options.Int("offerings", 100_000);
        var seconds = options.Int("seconds", 20);
        var concurrency = Math.Max(1, options.Int("concurrency", 16));
        var rate = Math.Max(1, options.Int("rate", 1000));
        var indexQueries = options.Int("index-queries", 5_000);
        var reuse = options.Text("reuse");
        using var temp = reuse is null ? new TempFolder(options, "search") : TempFolder.Existing(reuse);
        var data = temp.Sub("data");
        Directory.CreateDirectory(data);

        if (reuse is null)
        {
            await using var services = StoreServices(Path.Combine(data, "marketplace.db"));
            var store = services.GetRequiredService<IMarketplaceStore>();
            await store.InitializeAsync();
            var generated = await new OfferingGenerator(store).GenerateAsync(offerings);
            Console.WriteLine(Invariant($"generated {generated.Offerings} offerings, {generated.Sessions} sessions, {generated.Providers} providers in {generated.Elapsed.TotalSeconds:F1} s (store size {MachineFacts.Mb(new FileInfo(Path.Combine(data, "marketplace.db")).Length)})"));
        }

        if (options.Flag("index-only"))
        {
            // Only the in-process part, on the index a previous run kept (diagnosis and profiling).
            foreach (var line in await InProcessAsync(Path.Combine(data, "index"), indexQueries)) Console.WriteLine(line);
            return 0;
        }

        var indexIsNew = !IndexSchema.HasCurrentIndex(Path.Combine(data, "index"), new SearchSynonyms(), new SearchWords());
        var env = HostSettings.For(data, seedDemo: false, options);
        // Search needs no demo seed, so its host runs as it ships: Production (no developer exception page), own signing key.
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["Marketplace__Jwt__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));
        var report = new List<string>();
        double rebuildStart, plainStart;
        string startCpuLine;
        var startCpu = CpuWindow.Start();
        await using (var host = await HostProcess.StartAsync("search", env, temp.Sub("host.log"), TimeSpan.FromMinutes(20)))
        {
            startCpuLine = "  start-up with rebuild: " + startCpu.Stop(host.Pid);
            rebuildStart = host.StartupTime.TotalSeconds;
            Console.WriteLine(Invariant($"host pid {host.Pid} ready after {rebuildStart:F1} s ({(indexIsNew ? "index rebuilt from the store" : "existing index")}); RSS {host.RssKb / 1024} MB"));
            var cpu = CpuWindow.Start(host.Pid);
            var load = await DriveAsync(host.BaseAddress, concurrency, TimeSpan.FromSeconds(seconds));
            var cpuLine = "  " + cpu.Stop();
            cpu = CpuWindow.Start(host.Pid);
            var paced = await PacedAsync(host.BaseAddress, rate, TimeSpan.FromSeconds(seconds));
            var pacedCpuLine = "  " + cpu.Stop();
            var rss = host.RssKb;
            var peak = host.PeakRssKb;
            report.Add(Invariant($"HTTP search, {concurrency} clients, {seconds} s (after {WarmUp.TotalSeconds:F0} s warm-up): {load.Total.Count} requests, {load.Total.Count / load.Elapsed.TotalSeconds:F0} req/s, errors {load.Errors}"));
            report.Add("  all:  " + load.Total.Summary());
            foreach (var kind in QueryMix.Kinds) report.Add($"  {kind,-20} {load.ByKind[kind].Summary()}");
            report.Add(cpuLine);
            report.Add(Invariant($"HTTP search at a fixed rate of {rate}/s for {seconds} s (after {WarmUp.TotalSeconds:F0} s warm-up; latency from each request's scheduled send time): {paced.Total.Count} requests, {paced.Total.Count / paced.Elapsed.TotalSeconds:F0} req/s, errors {paced.Errors}"));
            report.Add("  all:  " + paced.Total.Summary());
            foreach (var kind in QueryMix.Kinds) report.Add($"  {kind,-20} {paced.ByKind[kind].Summary()}");
            report.Add(pacedCpuLine);
            report.Add(Invariant($"host RSS after the run: {rss / 1024.0:F0} MB (peak {peak / 1024.0:F0} MB)"));
        }
        var indexBytes = MachineFacts.FolderBytes(Path.Combine(data, "index"));
        if (indexIsNew)
        {
            await using (var again = await HostProcess.StartAsync("search-restart", env, temp.Sub("host.log"), TimeSpan.FromMinutes(5)))
                plainStart = again.StartupTime.TotalSeconds;
            var rebuild = rebuildStart - plainStart;
            report.Insert(0, startCpuLine);
            report.Insert(0, Invariant($"index rebuild at start-up: {rebuild:F1} s ≈ {offerings / rebuild:F0} offerings/s (start with new index {rebuildStart:F1} s − start with existing index {plainStart:F1} s); index on disk {MachineFacts.Mb(indexBytes)}"));
        }
        else
        {
            report.Insert(0, Invariant($"existing index reused (no rebuild measured); index on disk {MachineFacts.Mb(indexBytes)}"));
        }

        report.AddRange(await RebuildBreakdown.MeasureAsync(Path.Combine(data, "marketplace.db"), Math.Min(offerings, 5_000)));
        report.AddRange(await InProcessAsync(Path.Combine(data, "index"), indexQueries));
        Console.WriteLine();
        foreach (var line in report) Console.WriteLine(line);
        return 0;
    }

    private sealed record LoadResult(Latencies Total, Dictionary<string, Latencies> ByKind, int Errors, TimeSpan Elapsed);

    private static async Task<LoadResult> DriveAsync(Uri baseAddress, int concurrency, TimeSpan duration)
    {
        var total = new Latencies();
        var byKind = QueryMix.Kinds.ToDictionary(k => k, _ => new Latencies());
        var errors = 0;
        var firstError = "";
        var clients = Enumerable.Range(0, concurrency).Select(_ => HttpApi.Client(baseAddress)).ToArray();
        try
        {
            var warmUntil = Stopwatch.GetTimestamp() + (long)(WarmUp.TotalSeconds * Stopwatch.Frequency);
            var endAt = warmUntil + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            var workers = clients.Select((http, i) => Task.Run(async () =>
            {
                var mix = new QueryMix(1000 + i);
                while (Stopwatch.GetTimestamp() < endAt)
                {
                    var query = mix.Next(DateTimeOffset.UtcNow);
                    var started = Stopwatch.GetTimestamp();
                    var ok = false;
                    try
                    {
                        using var response = await http.GetAsync("api/search/offerings?" + query.QueryString);
                        var body = await response.Content.ReadAsByteArrayAsync();
                        ok = response.IsSuccessStatusCode;
                        if (!ok && firstError.Length == 0) firstError = $"{(int)response.StatusCode} for {query.QueryString}: {System.Text.Encoding.UTF8.GetString(body)}";
                    }
                    catch (HttpRequestException e)
                    {
                        if (firstError.Length == 0) firstError = e.Message;
                    }
                    if (started < warmUntil) continue;
                    if (!ok) Interlocked.Increment(ref errors);
                    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    total.Add(ms);
                    byKind[query.Kind].Add(ms);
                }
            })).ToArray();
            await Task.WhenAll(workers);
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
        if (errors > 0) Console.WriteLine($"{errors} failed searches; first: {firstError}");
        return new LoadResult(total, byKind, errors, duration);
    }

    /// <summary>
    /// Open loop: requests are sent on a fixed schedule (<paramref name="rate"/> per second) whatever the answers do, each
    /// on its own pooled connection as needed, and latency counts from the scheduled send time, so a stalled server is
    /// charged for the requests queued behind the stall (no coordinated omission). The pacer sleeps ~1 ms and sends every
    /// request that has fallen due.
    /// </summary>
    private static async Task<LoadResult> PacedAsync(Uri baseAddress, int rate, TimeSpan duration)
    {
        var total = new Latencies();
        var byKind = QueryMix.Kinds.ToDictionary(k => k, _ => new Latencies());
        var errors = 0;
        using var http = HttpApi.Client(baseAddress);
        var mix = new QueryMix(2000);
        var inFlight = new List<Task>();
        var started = Stopwatch.GetTimestamp();
        var warmUntil = started + (long)(WarmUp.TotalSeconds * Stopwatch.Frequency);
        var endAt = warmUntil + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var interval = (double)Stopwatch.Frequency / rate;
        for (long sent = 0; ; sent++)
        {
            var due = started + (long)(sent * interval);
            if (due >= endAt) break;
            while (Stopwatch.GetTimestamp() < due) Thread.Sleep(1);
            var query = mix.Next(DateTimeOffset.UtcNow);
            var counted = due >= warmUntil;
            inFlight.Add(SendAsync(query, due, counted));
            if (inFlight.Count >= 4096) inFlight.RemoveAll(t => t.IsCompleted);
        }
        await Task.WhenAll(inFlight);
        return new LoadResult(total, byKind, errors, duration);

        async Task SendAsync(MixedQuery query, long due, bool counted)
        {
            var ok = false;
            try
            {
                using var response = await http.GetAsync("api/search/offerings?" + query.QueryString);
                await response.Content.ReadAsByteArrayAsync();
                ok = response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
            }
            if (!counted) return;
            if (!ok) Interlocked.Increment(ref errors);
            var ms = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
            total.Add(ms);
            byKind[query.Kind].Add(ms);
        }
    }

    /// <summary>The same mix straight through the port on the index folder the host built (host stopped).</summary>
    private static async Task<List<string>> InProcessAsync(string indexDirectory, int count)
    {
        var services = new ServiceCollection().AddLuceneOfferingIndex(o => o.Directory = indexDirectory).BuildServiceProvider();
        await using (services)
        {
            var index = services.GetRequiredService<IOfferingIndex>();
            var opened = Stopwatch.GetTimestamp();
            await index.InitializeAsync();
            var openMs = Stopwatch.GetElapsedTime(opened).TotalMilliseconds;
            var mix = new QueryMix(7);
            for (var i = 0; i < Math.Min(500, count); i++) await index.SearchAsync(mix.Next(DateTimeOffset.UtcNow).Query);

            var total = new Latencies();
            var byKind = QueryMix.Kinds.ToDictionary(k => k, _ => new Latencies());
            var totalHits = 0L;
            var cpu = CpuWindow.Start();
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < count; i++)
            {
                var query = mix.Next(DateTimeOffset.UtcNow);
                var one = Stopwatch.GetTimestamp();
                var result = await index.SearchAsync(query.Query);
                var ms = Stopwatch.GetElapsedTime(one).TotalMilliseconds;
                total.Add(ms);
                byKind[query.Kind].Add(ms);
                totalHits += result.Total;
            }
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var lines = new List<string>
            {
                Invariant($"in-process IOfferingIndex.SearchAsync, 1 thread, {count} queries after 500 warm-up (index opened in {openMs:F0} ms): {count / elapsed:F0} queries/s, mean total hits {totalHits / Math.Max(1, count)}"),
                "  all:  " + total.Summary(),
            };
            lines.AddRange(QueryMix.Kinds.Select(kind => $"  {kind,-20} {byKind[kind].Summary()}"));
            lines.Add("  " + cpu.Stop());
            return lines;
        }
    }

    internal static ServiceProvider StoreServices(string databasePath) =>
        new ServiceCollection().AddSqliteStore(o => o.DatabasePath = databasePath).BuildServiceProvider();

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
