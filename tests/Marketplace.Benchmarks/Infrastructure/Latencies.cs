using System.Diagnostics;
using System.Globalization;

namespace Marketplace.Benchmarks.Infrastructure;

/// <summary>A thread-safe bag of latencies in milliseconds with nearest-rank percentiles.</summary>
internal sealed class Latencies
{
    private readonly List<double> _values = [];
    private readonly Lock _lock = new();

    public int Count
    {
        get { lock (_lock) return _values.Count; }
    }

    public void Add(double ms)
    {
        lock (_lock) _values.Add(ms);
    }

    public void AddSince(long startTimestamp) => Add(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds);

    public void AddRange(IEnumerable<double> values)
    {
        lock (_lock) _values.AddRange(values);
    }

    public double Percentile(double p)
    {
        double[] sorted;
        lock (_lock) sorted = [.. _values.Order()];
        if (sorted.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public double Max()
    {
        lock (_lock) return _values.Count == 0 ? double.NaN : _values.Max();
    }

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"n={Count} p50={Percentile(50):F2} ms p95={Percentile(95):F2} ms p99={Percentile(99):F2} ms max={Max():F2} ms");
}
