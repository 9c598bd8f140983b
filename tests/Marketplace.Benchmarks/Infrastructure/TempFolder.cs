namespace Marketplace.Benchmarks.Infrastructure;

/// <summary>A fresh folder for one run's data (on the same disk as --data-root), deleted afterwards unless --keep.</summary>
internal sealed class TempFolder : IDisposable
{
    private readonly bool _keep;

    public TempFolder(Options options, string name)
    {
        _keep = options.Flag("keep");
        var root = options.Text("data-root") ?? System.IO.Path.GetTempPath();
        Path = System.IO.Path.Combine(root, $"marketplace-bench-{name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}");
        Directory.CreateDirectory(Path);
        Console.WriteLine($"data folder: {Path}");
    }

    private TempFolder(string existing)
    {
        _keep = true;
        Path = System.IO.Path.GetFullPath(existing);
        if (!Directory.Exists(Path)) throw new BenchmarkFailedException($"{Path} does not exist");
        Console.WriteLine($"data folder (reused, kept): {Path}");
    }

    /// <summary>A folder kept from an earlier run (--keep), used again and never deleted.</summary>
    public static TempFolder Existing(string path) => new(path);

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (_keep) return;
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException e) { Console.Error.WriteLine($"could not delete {Path}: {e.Message}"); }
    }
}
