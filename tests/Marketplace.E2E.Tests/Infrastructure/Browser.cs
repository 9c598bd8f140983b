using Microsoft.Playwright;

namespace Marketplace.E2E.Tests.Infrastructure;

/// <summary>
/// Debian's headless Chromium (/usr/bin/chromium, installed by ./test.sh) driven by Playwright's bundled driver: no browser
/// download. The flags keep Chromium off the network (this machine's, and a district intranet's, has no internet).
/// Tests skip with the reason when Chromium is missing.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Desktop (1280×800) and phone (375×812) viewports, as the issue asks.</summary>
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 800 };

    public static readonly ViewportSize Phone = new() { Width = 375, Height = 812 };

    private IPlaywright? _playwright;

    public IBrowser Chromium { get; private set; } = null!;

    public static bool Available => File.Exists(ChromiumPath);

    public async Task InitializeAsync()
    {
        if (!Available) return;
        // CI runs these beside the API suite on two cores: a circuit's answer can take seconds there. Expectations wait up
        // to 15 s (as actions do); the tests that claim a live-update latency name their own timeout.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath, Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh context (its own cookies) on the host; desktop unless a viewport is given.</summary>
    public async Task<IBrowserContext> ContextAsync(WebHost host, ViewportSize? viewport = null, string? locale = null)
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = host.BaseUrl, ViewportSize = viewport ?? Desktop, Locale = locale ?? "en-US", TimezoneId = "Asia/Shanghai",
        });
        context.SetDefaultTimeout(15_000);
        // The page may load nothing from outside the host: any other request fails the test that made it.
        await context.RouteAsync(url => !url.StartsWith(host.BaseUrl, StringComparison.Ordinal) && !url.StartsWith("data:", StringComparison.Ordinal)
            && !url.StartsWith("ws://127.0.0.1", StringComparison.Ordinal), route =>
        {
            ExternalRequests.Add(route.Request.Url);
            return route.AbortAsync();
        });
        return context;
    }

    /// <summary>Requests the pages tried to make outside the host (should stay empty).</summary>
    public System.Collections.Concurrent.ConcurrentBag<string> ExternalRequests { get; } = [];

    public async Task DisposeAsync()
    {
        if (Chromium is not null) await Chromium.CloseAsync();
        _playwright?.Dispose();
    }
}
