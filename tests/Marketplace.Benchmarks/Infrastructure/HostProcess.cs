using System.Diagnostics;
using System.Net.Sockets;
using System.Net;
using System.Reflection;

namespace Marketplace.Benchmarks.Infrastructure;

/// <summary>
/// The real host (src/Marketplace.Api) run as a child process on 127.0.0.1 from its own build output, with its
/// console output appended to a log file. Started-to-ready time is measured by polling /health/ready.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;

    private HostProcess(string name, Process process, Uri baseAddress, string logPath)
    {
        Name = name;
        _process = process;
        BaseAddress = baseAddress;
        LogPath = logPath;
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    public TimeSpan StartupTime { get; private set; }

    public long RssKb => MachineFacts.StatusKb(Pid, "VmRSS");

    public long PeakRssKb => MachineFacts.StatusKb(Pid, "VmHWM");

    /// <summary>Starts the host with the given Marketplace settings (environment variables) and waits until /health/ready answers 200.</summary>
    public static async Task<HostProcess> StartAsync(string name, IReadOnlyDictionary<string, string> environment, string logPath, TimeSpan readyTimeout)
    {
        var dll = Snapshot(Path.GetDirectoryName(logPath)!);
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            UseShellExecute = false,
        };
        // exec: the child pid is the host itself, so /proc/{pid}/status is the host's memory.
        foreach (var arg in new[] { "-c", "exec \"$0\" \"$1\" >>\"$2\" 2>&1", "dotnet", dll, logPath }) start.ArgumentList.Add(arg);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/');
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment) start.Environment[key] = value;

        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(start) ?? throw new BenchmarkFailedException("could not start the host");
        var host = new HostProcess(name, process, baseAddress, logPath);
        await host.WaitReadyAsync(started, readyTimeout);
        return host;
    }

    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        // SIGTERM: a graceful shutdown closes the Lucene writer and releases its lock.
        using (var kill = Process.Start("kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    public string LogTail(int lines = 30) =>
        File.Exists(LogPath) ? string.Join(Environment.NewLine, File.ReadLines(LogPath).TakeLast(lines)) : "(no log)";

    private async Task WaitReadyAsync(long started, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            if (_process.HasExited)
                throw new BenchmarkFailedException($"host {Name} exited with code {_process.ExitCode} during start-up:{Environment.NewLine}{LogTail()}");
            try
            {
                using var response = await http.GetAsync("health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    StartupTime = Stopwatch.GetElapsedTime(started);
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // busy starting
            }
            await Task.Delay(50);
        }
        throw new BenchmarkFailedException($"host {Name} was not ready within {timeout}:{Environment.NewLine}{LogTail()}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// A private copy of the host's build output (once per run folder), so that a concurrent rebuild of the solution
    /// cannot swap binaries under a running benchmark.
    /// </summary>
    private static string Snapshot(string runFolder)
    {
        var source = Path.GetDirectoryName(ApiDll())!;
        // The newest file of the build output names the copy: a rebuilt dependency (the Api assembly itself unchanged) is a new copy.
        var built = Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Max(File.GetLastWriteTimeUtc);
        var target = Path.Combine(runFolder, $"host-bin-{built:yyyyMMddHHmmssfff}");
        if (!Directory.Exists(target))
        {
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var copy = Path.Combine(target, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy);
            }
        }
        return Path.Combine(target, "Marketplace.Api.dll");
    }

    /// <summary>src/Marketplace.Api/bin/{same configuration as this build}/net10.0/Marketplace.Api.dll.</summary>
    private static string ApiDll()
    {
        var configuration = typeof(HostProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var root = RepositoryRoot();
        var dll = Path.Combine(root, "src", "Marketplace.Api", "bin", configuration, "net10.0", "Marketplace.Api.dll");
        return File.Exists(dll) ? dll : throw new BenchmarkFailedException($"{dll} not found; build the solution with -c {configuration} first");
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Marketplace.sln"))) return dir.FullName;
        throw new BenchmarkFailedException("Marketplace.sln not found above " + AppContext.BaseDirectory);
    }
}
