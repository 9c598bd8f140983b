using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Marketplace.Api.Tests.Infrastructure;

/// <summary>
/// The real host over TestServer with its own temporary data folder. Seeds the demo by default
/// (Development), so tests sign in as bureau / providerN / schoolN like a newcomer would.
/// </summary>
public class MarketplaceFactory : WebApplicationFactory<Program>
{
    public const string Password = "Demo@2026";
    private readonly Dictionary<string, string?> _settings;

    public MarketplaceFactory() : this(new Dictionary<string, string?>()) { }

    public MarketplaceFactory(IDictionary<string, string?> settings)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
        // The demo without its semester of past deliveries (DemoHistory): tests count on their own bookings; DemoHistoryTests turns it on.
        _settings = new Dictionary<string, string?>
        {
            ["Marketplace:DataDirectory"] = DataDirectory, ["Marketplace:LoginsPerMinute"] = "100000", ["Marketplace:SeedDemoHistory"] = "false",
        };
        foreach (var (key, value) in settings) _settings[key] = value;
    }

    public string DataDirectory { get; }

    /// <summary>What the host logged at Warning and above; timing tests put it in their failure message.</summary>
    public CapturedWarnings Warnings { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.AddProvider(Warnings));
    }

    /// <summary>A client whose every JSON answer is checked for instants outside +08:00 (<see cref="BeijingTimeGuard"/>).</summary>
    public new HttpClient CreateClient() =>
        CreateDefaultClient(new Microsoft.AspNetCore.Mvc.Testing.Handlers.RedirectHandler(), new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler(), new BeijingTimeGuard());

    public async Task<HttpClient> ClientForAsync(string username, string password = Password)
    {
        var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { username, password });
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<TokenBody>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.AccessToken);
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { /* a file still held open; the temp folder is cleaned by the OS */ }
    }

    private sealed record TokenBody(string AccessToken);
}
