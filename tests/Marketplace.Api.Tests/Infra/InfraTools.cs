using System.Diagnostics;

namespace Marketplace.Api.Tests.Infra;

/// <summary>The repository's infra/ files and the command-line tools that check them (absent tools make the tests skip).</summary>
internal static class InfraTools
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(RepositoryRoot, relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Marketplace.sln"))) return dir.FullName;
        throw new InvalidOperationException("Marketplace.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>An executable on PATH or in the sbin folders (Debian installs nginx in /usr/sbin, often not on a user's PATH).</summary>
    public static string? Find(string name)
    {
        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/sbin", "/usr/sbin", "/sbin"]);
        return folders.Select(f => Path.Combine(f, name)).FirstOrDefault(File.Exists);
    }

    /// <summary>docker-compose (v1, Debian's package) or the docker compose plugin, as (file, leading arguments).</summary>
    public static (string File, string[] Prefix)? Compose()
    {
        if (Find("docker-compose") is { } v1) return (v1, []);
        if (Find("docker") is { } docker && Run(docker, ["compose", "version"]).ExitCode == 0) return (docker, ["compose"]);
        return null;
    }

    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n{Output}\n{Error}".Trim();
    }

    public static Result Run(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepositoryRoot,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within 60 s");
        }
        return new Result(process.ExitCode, output.Result, error.Result);
    }
}
