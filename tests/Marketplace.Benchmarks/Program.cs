using Marketplace.Benchmarks.Bookings;
using Marketplace.Benchmarks.Families;
using Marketplace.Benchmarks.Infrastructure;
using Marketplace.Benchmarks.Ledger;
using Marketplace.Benchmarks.Push;
using Marketplace.Benchmarks.Reports;
using Marketplace.Benchmarks.Search;
using Marketplace.Benchmarks.Ui;

namespace Marketplace.Benchmarks;

/// <summary>Load generator: every subcommand is bounded (fixed counts or durations), loopback only, and cleans up its temp folder.</summary>
internal static class Program
{
    private const string Usage = """
        usage: dotnet run -c Release --project tests/Marketplace.Benchmarks -- <command> [options]
          search   [--offerings 100000] [--seconds 20] [--concurrency 16] [--rate 1000] [--index-queries 5000] [--reuse <kept folder> [--index-only]] [--quiet-host] [--keep]
          bookings [--sessions 50] [--capacity 30] [--requests 2000] [--schools 200] [--instances 2] [--warmup 4000] [--commit-seconds 3] [--quiet-host] [--keep]
          series   [--sessions 24] [--span 18] [--schools 50] [--capacity 30] [--pupils 1] [--rounds 3] [--instances 1|2] [--allow-partial] [--warmup 200] [--quiet-host] [--keep]
          push     [--clients 1000] [--bookings 200] [--offerings 4] [--min-threads 0] [--quiet-host] [--keep]
          ui       [--offerings 100000] [--rounds 10] [--quiet-host] [--keep]   (web UI in /usr/bin/chromium: first page, search as typed)
          ledger   [--transactions 250000] [--districts 12] [--schools 300] [--providers 60] [--months 12] [--batch 2000] [--rounds 20] [--keep]
          coverage [--bookings 1000000] [--districts 16] [--schools 2000] [--providers 400] [--batch 5000] [--rounds 7] [--cache-mib 64] [--keep] [--reuse <kept folder>]
          lottery  [--schools 50] [--pupils 1200] [--rounds 10] [--storm-rate 820]   (course-selection allocation, in-process, no host)
          selection-storm [--guardians 2000] [--programmes 20] [--seats 30] [--cap 2] [--spread-ms 0] [--warmup 400] [--booking-requests <guardians>] [--quick] [--quiet-host] [--keep]
        common: --data-root <folder for temp data, default the system temp folder>
                --quiet-host  lowers the host's per-request HTTP log to Warning (default: the product's appsettings)
                --keep        keeps the temp data folder for inspection
                --host-min-threads N  starts hosts with DOTNET_ThreadPool_ForceMinWorkerThreads=N (diagnosis)
                --perf-map    starts hosts with DOTNET_PerfMapEnabled=1 (for perf record -g -p <pid>)
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        var options = new Options(args.Skip(1));
        Console.WriteLine($"# {args[0]} — {DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss zzz}, {Environment.ProcessorCount} cores, load {MachineFacts.LoadAverage()}");
        try
        {
            return args[0] switch
            {
                "search" => await SearchBenchmark.RunAsync(options),
                "bookings" => await BookingBenchmark.RunAsync(options),
                "series" => await SeriesBenchmark.RunAsync(options),
                "push" => await PushBenchmark.RunAsync(options),
                "ui" => await UiBenchmark.RunAsync(options),
                "ledger" => await LedgerBenchmark.RunAsync(options),
                "coverage" => await CoverageBenchmark.RunAsync(options),
                "lottery" => await LotteryBenchmark.RunAsync(options),
                "selection-storm" => await SelectionStormBenchmark.RunAsync(options),
                _ => Fail($"unknown command '{args[0]}'{Environment.NewLine}{Usage}"),
            };
        }
        catch (BenchmarkFailedException e)
        {
            return Fail(e.Message);
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("benchmark failed: " + message);
        return 1;
    }
}
