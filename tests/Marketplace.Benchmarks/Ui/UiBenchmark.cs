using System.Diagnostics;
using Marketplace.Benchmarks.Infrastructure;
using Marketplace.Benchmarks.Search;
using Marketplace.Core.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static System.FormattableString;

namespace Marketplace.Benchmarks.Ui;

/// <summary>
/// The web UI in Debian's headless Chromium against a host child process on loopback: (1) how long each workspace's first
/// page takes to become interactive (navigation start → the layout's #app-ready, which appears once the Blazor circuit is
/// up), (2) how long the school search takes to show results after the last keystroke, at --offerings published offerings
/// (the demo plus generated ones; the promise: 1.5 s and 300 ms). Bounded: fixed rounds and queries.
/// </summary>
internal static class UiBenchmark
{
    /// <summary>The search page's query box and the results list, which says which query it shows (data-query) once shown.</summary>
    private const string QueryBox = "#search-query";

    private const string ResultsFor = "[data-testid=search-results][data-query=\"{0}\"]";

    private static readonly (string User, string Home)[] Workspaces =
        [("school1", "/school"), ("provider1", "/provider"), ("bureau-110101", "/bureau"), ("admin", "/admin")];

    private static readonly string[] Queries = ["机器人", "编程", "科普", "篮球", "书法", "天文观测", "非遗", "足球训练", "合唱", "航模"];

    public static async Task<int> RunAsync(Options options)
    {
        var offerings = options.Int("offerings", 100_000);
        var rounds = options.Int("rounds", 10);
        using var temp = new TempFolder(options, "ui");
        var data = temp.Sub("data");
        Directory.CreateDirectory(data);

        // The demo first (districts, schools, logins), then the generated offerings in the same store; the index is rebuilt
        // from the store at the next start.
        var env = HostSettings.For(data, seedDemo: true, options);
        await using (var seeding = await HostProcess.StartAsync("ui-seed", env, temp.Sub("host.log"), TimeSpan.FromMinutes(5)))
            await seeding.StopAsync();
        if (offerings > 0)
        {
            await using var services = SearchBenchmark.StoreServices(Path.Combine(data, "marketplace.db"));
            var store = services.GetRequiredService<IMarketplaceStore>();
            await store.InitializeAsync();
            var generated = await new OfferingGenerator(store).GenerateAsync(offerings);
            Console.WriteLine(Invariant($"generated {generated.Offerings} offerings, {generated.Sessions} sessions in {generated.Elapsed.TotalSeconds:F1} s"));
        }
        Directory.Delete(Path.Combine(data, "index"), recursive: true);

        await using var host = await HostProcess.StartAsync("ui", env, temp.Sub("host.log"), TimeSpan.FromMinutes(20));
        Console.WriteLine(Invariant($"host pid {host.Pid} ready after {host.StartupTime.TotalSeconds:F1} s (index rebuilt)"));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium", Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });

        var report = new List<string>();
        foreach (var (user, home) in Workspaces)
        {
            await using var context = await browser.NewContextAsync(new() { BaseURL = host.BaseAddress.ToString().TrimEnd('/'), ViewportSize = new() { Width = 1280, Height = 800 } });
            var page = await SignInAsync(context, user);
            var first = new Latencies();
            for (var round = 0; round < rounds + 1; round++)
            {
                var started = Stopwatch.GetTimestamp();
                await page.GotoAsync(home);
                await page.Locator("#app-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
                if (round > 0) first.AddSince(started); // round 0 warms the host's code paths for this page
            }
            report.Add($"first page interactive, {user} {home} ({rounds} loads): {first.Summary()}");
        }

        await using (var context = await browser.NewContextAsync(new() { BaseURL = host.BaseAddress.ToString().TrimEnd('/'), ViewportSize = new() { Width = 1280, Height = 800 } }))
        {
            var page = await SignInAsync(context, "school1");
            await page.GotoAsync("/school/search");
            await page.Locator("#app-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
            var afterLastKey = new Latencies();
            for (var round = 0; round < rounds; round++)
            {
                foreach (var query in Queries)
                {
                    var box = page.Locator(QueryBox);
                    await box.FillAsync("");
                    await box.PressSequentiallyAsync(query, new() { Delay = 60 }); // a person typing: a key every 60 ms
                    var lastKey = Stopwatch.GetTimestamp();
                    await page.Locator(string.Format(System.Globalization.CultureInfo.InvariantCulture, ResultsFor, query))
                        .WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
                    afterLastKey.AddSince(lastKey);
                }
            }
            report.Add($"search results shown after the last keystroke ({afterLastKey.Count} queries typed, {offerings} generated offerings + the demo): {afterLastKey.Summary()}");
        }
        Console.WriteLine(Invariant($"host RSS {host.RssKb / 1024} MB (peak {host.PeakRssKb / 1024} MB)"));
        foreach (var line in report) Console.WriteLine(line);
        return 0;
    }

    private static async Task<IPage> SignInAsync(IBrowserContext context, string user)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("#username", user);
        await page.FillAsync("#password", "Demo@2026");
        await page.ClickAsync("button[type=submit]");
        await page.Locator("#app-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        return page;
    }
}
