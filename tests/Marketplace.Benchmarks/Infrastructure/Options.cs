using System.Globalization;

namespace Marketplace.Benchmarks.Infrastructure;

/// <summary>"--name value" pairs and bare "--flag"s.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.OrdinalIgnoreCase);

    public Options(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal)) throw new BenchmarkFailedException($"unexpected argument '{list[i]}'");
            var hasValue = i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal);
            _values[list[i][2..]] = hasValue ? list[++i] : null;
        }
    }

    public int Int(string name, int fallback)
    {
        if (!_values.TryGetValue(name, out var raw)) return fallback;
        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value : throw new BenchmarkFailedException($"--{name} needs a non-negative integer");
    }

    public string? Text(string name) => _values.TryGetValue(name, out var raw) ? raw : null;

    public bool Flag(string name) => _values.ContainsKey(name);
}

internal sealed class BenchmarkFailedException(string message) : Exception(message);
