using System.Globalization;

namespace Marketplace.Benchmarks.Infrastructure;

/// <summary>
/// CPU use over a measurement window from /proc: the whole machine, the host process(es), this benchmark process and
/// everything else. "Everything else" is the noise others' work added to the figures.
/// </summary>
internal sealed class CpuWindow
{
    private readonly int[] _hosts;
    private readonly (long Busy, long Total) _system;
    private readonly long[] _hostTicks;
    private readonly long _selfTicks;

    private CpuWindow(int[] hosts)
    {
        _hosts = hosts;
        _system = SystemTicks();
        _hostTicks = hosts.Select(ProcessTicks).ToArray();
        _selfTicks = ProcessTicks(Environment.ProcessId);
    }

    public static CpuWindow Start(params int[] hostPids) => new(hostPids);

    /// <summary>Cores in use on average over the window, by who used them; <paramref name="startedInWindow"/> are hosts started
    /// after the window opened (all their CPU time counts).</summary>
    public string Stop(params int[] startedInWindow)
    {
        var (busy, total) = SystemTicks();
        var spanTicks = Math.Max(1, total - _system.Total);
        var cores = Environment.ProcessorCount;
        double Cores(long ticks) => ticks * (double)cores / spanTicks;
        var machine = busy - _system.Busy;
        var host = _hosts.Select((pid, i) => ProcessTicks(pid) - _hostTicks[i]).Sum() + startedInWindow.Sum(ProcessTicks);
        var self = ProcessTicks(Environment.ProcessId) - _selfTicks;
        return string.Create(CultureInfo.InvariantCulture,
            $"CPU over the window ({cores} cores): machine {Cores(machine):F2} cores busy; host {Cores(host):F2}; benchmark client {Cores(self):F2}; other processes {Cores(Math.Max(0, machine - host - self)):F2}; load average {MachineFacts.LoadAverage()}");
    }

    private static (long Busy, long Total) SystemTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal (guest time is already inside user)
        var idle = fields[3] + fields[4];
        var busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7];
        return (busy, busy + idle);
    }

    private static long ProcessTicks(int pid)
    {
        var path = $"/proc/{pid}/stat";
        if (!File.Exists(path)) return 0;
        var text = File.ReadAllText(path);
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        // after "pid (comm) ": state is field 3, utime 14, stime 15 → indexes 11 and 12 here
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
