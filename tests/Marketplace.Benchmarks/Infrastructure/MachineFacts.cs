namespace Marketplace.Benchmarks.Infrastructure;

internal static class MachineFacts
{
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>A /proc/{pid}/status field in kB (VmRSS = resident now, VmHWM = peak resident), or -1.</summary>
    public static long StatusKb(int pid, string field)
    {
        var path = $"/proc/{pid}/status";
        if (!File.Exists(path)) return -1;
        foreach (var line in File.ReadLines(path))
        {
            if (!line.StartsWith(field + ":", StringComparison.Ordinal)) continue;
            var digits = new string(line.Where(char.IsAsciiDigit).ToArray());
            return long.TryParse(digits, System.Globalization.CultureInfo.InvariantCulture, out var kb) ? kb : -1;
        }
        return -1;
    }

    public static long FolderBytes(string path) =>
        Directory.Exists(path) ? new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;

    public static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + " MB";
}
