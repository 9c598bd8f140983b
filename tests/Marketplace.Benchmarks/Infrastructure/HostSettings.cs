namespace Marketplace.Benchmarks.Infrastructure;

/// <summary>Environment for a host child process: the product's embedded defaults plus what each benchmark needs.</summary>
internal static class HostSettings
{
    public static Dictionary<string, string> For(string dataDirectory, bool seedDemo, Options options)
    {
        var env = new Dictionary<string, string>
        {
            ["Marketplace__DataDirectory"] = dataDirectory,
            ["Marketplace__SeedDemo"] = seedDemo ? "true" : "false",
            ["Marketplace__SeedDemoHistory"] = "false", // the demo as the earlier figures measured it
        };
        // Optional variant: the product logs every request at Information (HttpLoggingMiddleware); --quiet-host shows what that costs.
        if (options.Flag("quiet-host")) env["Logging__LogLevel__Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware"] = "Warning";
        // For profiling with `perf record -g -p <host pid>`: the runtime writes /tmp/perf-<pid>.map so JIT-compiled frames have names.
        // Diagnosis only: a higher thread-pool floor in the host (the product sets none).
        if (options.Int("host-min-threads", 0) is > 0 and var floor)
            env["DOTNET_ThreadPool_ForceMinWorkerThreads"] = floor.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        // W^X double-mapping hides JIT code from perf, so it is switched off for such runs.
        if (options.Flag("perf-map"))
        {
            env["DOTNET_PerfMapEnabled"] = "1";
            env["DOTNET_EnableWriteXorExecute"] = "0";
        }
        return env;
    }
}
