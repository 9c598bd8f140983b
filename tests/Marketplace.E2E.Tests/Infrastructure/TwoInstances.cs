using Garnet;

namespace Marketplace.E2E.Tests.Infrastructure;

/// <summary>
/// The scale-out shape for live tests: two hosts on Kestrel over one SQLite file, each with its own Lucene index, joined by a
/// Redis backplane (an in-process Garnet server on loopback), one signing key. A seeds the demo; B starts on the seeded store.
/// </summary>
public sealed class TwoInstances : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "marketplace-e2e", "two-" + Guid.NewGuid().ToString("N"));
    private readonly GarnetServer _garnet;

    public TwoInstances()
    {
        Directory.CreateDirectory(_folder);
        var port = WebHost.FreeLoopbackPort();
        _garnet = new GarnetServer(["--bind", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        _garnet.Start();
        Dictionary<string, string?> Settings(bool seed) => new()
        {
            ["Marketplace:Backplane"] = "Redis",
            ["Marketplace:Redis:ConnectionString"] = $"127.0.0.1:{port}",
            ["Marketplace:Sqlite:DatabasePath"] = Path.Combine(_folder, "shared.db"),
            ["Marketplace:Jwt:SigningKey"] = "e2e-two-instances-signing-key-0123456789-abcdef",
            ["Marketplace:SeedDemo"] = seed ? "true" : "false",
            ["Marketplace:DataProtection:KeysPath"] = Path.Combine(_folder, "keys"), // one key ring: a cookie from A is read by B
        };
        A = new WebHost(Settings(seed: true)); // started: migrations and the demo seed are done before B opens the file
        B = new WebHost(Settings(seed: false));
    }

    public WebHost A { get; }

    public WebHost B { get; }

    public void Dispose()
    {
        B.Dispose();
        A.Dispose();
        _garnet.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* the OS cleans the temp folder */ }
    }
}
