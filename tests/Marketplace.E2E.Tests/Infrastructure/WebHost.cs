using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Marketplace.E2E.Tests.Infrastructure;

/// <summary>
/// The real host on Kestrel at a loopback port, with its own data folder and the demo seeded (Development), as
/// <c>dotnet run --project src/Marketplace.Api</c> would start it. Browsers reach it at <see cref="BaseUrl"/>.
/// </summary>
public sealed class WebHost : WebApplicationFactory<Program>
{
    public const string Password = "Demo@2026";
    private readonly Dictionary<string, string?> _settings;

    public WebHost(IDictionary<string, string?>? settings = null)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "marketplace-e2e", Guid.NewGuid().ToString("N"));
        Port = FreeLoopbackPort();
        _settings = new Dictionary<string, string?>
        {
            ["Marketplace:DataDirectory"] = DataDirectory, ["Marketplace:LoginsPerMinute"] = "100000",
            ["Marketplace:SeedDemoHistory"] = "false", // the demo without its past deliveries: the tests count on their own bookings
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) _settings[key] = value;
        UseKestrel(Port);
        StartServer();
    }

    public string DataDirectory { get; }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("urls", BaseUrl);
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { /* a file still held open; the OS cleans the temp folder */ }
    }

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
