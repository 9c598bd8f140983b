using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Marketplace.Api.Tests;

/// <summary>The host as an operator starts it: the built Marketplace.Api.dll in its own process, on loopback.</summary>
public sealed class StartupProcessTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "marketplace-process-tests", Guid.NewGuid().ToString("N"));
    private readonly List<Process> _started = [];

    [Fact]
    public async Task InProduction_WithoutASigningKey_PrintsOneClearMessage_AndExits()
    {
        var host = Start(new() { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort()}" });
        var stderr = host.StandardError.ReadToEndAsync();
        var stdout = host.StandardOutput.ReadToEndAsync();
        Assert.True(host.WaitForExit(TimeSpan.FromSeconds(60)), "the host kept running without a signing key");
        var error = await stderr;
        Assert.Equal(1, host.ExitCode);
        Assert.Contains("Marketplace:Jwt:SigningKey is required", error);
        Assert.Contains("Marketplace__Jwt__SigningKey", error); // how to fix it
        Assert.DoesNotContain("   at ", error + await stdout); // no exception trace
        Assert.DoesNotContain("Unhandled exception", error);
    }

    [Fact]
    public async Task TwoInstances_RunSideBySide_OnTheAddressesTheirEnvironmentNames()
    {
        var (portA, portB) = (FreePort(), FreePort());
        Start(new() { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{portA}", ["Marketplace__DataDirectory"] = Path.Combine(_data, "a") });
        Start(new() { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{portB}", ["Marketplace__DataDirectory"] = Path.Combine(_data, "b") });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var port in new[] { portA, portB })
            Assert.Equal(HttpStatusCode.OK, await WaitForReadyAsync(http, $"http://127.0.0.1:{port}/health/live"));
    }

    private Process Start(Dictionary<string, string> environment)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Marketplace.Api.dll");
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["Marketplace__DataDirectory"] = _data;
        info.Environment["Marketplace__SeedDemo"] = "false";
        foreach (var (key, value) in environment) info.Environment[key] = value;
        var process = Process.Start(info)!;
        _started.Add(process);
        return process;
    }

    private static async Task<HttpStatusCode> WaitForReadyAsync(HttpClient http, string url)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                return (await http.GetAsync(url)).StatusCode;
            }
            // Not listening yet, or (a loaded machine) too slow to answer within the client's 5 s: ask again until the minute is up.
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && DateTime.UtcNow < until)
            {
                await Task.Delay(250);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        foreach (var process in _started)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
            process.Dispose();
        }
        try { Directory.Delete(_data, recursive: true); }
        catch (DirectoryNotFoundException) { /* never created */ }
        catch (IOException) { /* still held; the temp folder is cleaned by the OS */ }
    }
}
