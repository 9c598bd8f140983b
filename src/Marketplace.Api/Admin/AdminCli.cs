using Marketplace.Api.Localization;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Admin;

/// <summary><c>admin create --username NAME [--display-name X] [--password-file PATH] [--force]</c>, taken out of the arguments
/// before the host reads them (the command-line configuration would read <c>--force --username x</c> as force = "--username").</summary>
public sealed record AdminCommand(string? Username, string? DisplayName, string? PasswordFile, bool Force, string? Error);

/// <summary>
/// The platform administrator's bootstrap from the command line: <c>dotnet run --project src/Marketplace.Api -- admin create
/// --username NAME</c>. The password comes from the first line of <c>--password-file</c>, or else standard input (read without
/// echo on a terminal); never from an argument, which would stay in the shell history and the process list.
/// Exit codes: 0 done, 1 failed (the store), 2 usage (a bad argument, <c>--password</c>, a password the rules refuse, <c>--force</c>
/// on a user who is not an administrator), 3 an administrator exists already (run again with <c>--force</c> to add one or to
/// reset that administrator's password).
/// </summary>
public static class AdminCli
{
    public const int Done = 0, Failed = 1, Usage = 2, AdministratorExists = 3;

    public const string UsageText =
        "Usage: admin create --username NAME [--display-name NAME] [--password-file PATH] [--force]" + "\n" +
        "  The password is the first line of --password-file, or else read from standard input (not echoed on a terminal)." + "\n" +
        "  --force adds an administrator although one exists, or resets an existing administrator's password, unlocks and enables it.";

    /// <summary>True when the arguments are an admin command (even a malformed one: its <see cref="AdminCommand.Error"/> says why);
    /// <paramref name="hostArgs"/> are the other arguments, for the host's configuration.</summary>
    public static bool TryParse(string[] args, out AdminCommand? command, out string[] hostArgs)
    {
        (command, hostArgs) = (null, args);
        if (args.Length == 0 || args[0] != "admin") return false;
        var rest = new List<string>();
        string? username = null, displayName = null, passwordFile = null, error = args.Length > 1 && args[1] == "create" ? null : "the only admin command is 'create'.";
        var force = false;
        for (var i = error is null ? 2 : 1; i < args.Length; i++)
        {
            var (name, inline) = args[i].Split('=', 2) is [var n, var v] && n.StartsWith("--", StringComparison.Ordinal) ? (n, v) : (args[i], null);
            string? Value() => inline ?? (i + 1 < args.Length ? args[++i] : null);
            switch (name)
            {
                case "--username": username = Value(); break;
                case "--display-name": displayName = Value(); break;
                case "--password-file": passwordFile = Value(); break;
                case "--force": force = true; break;
                case "--password":
                    error = "--password is refused: a password given as an argument stays in the shell history and the process list. Use --password-file or standard input.";
                    if (inline is null && i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) i++;
                    break;
                default: rest.Add(args[i]); break;
            }
        }
        if (error is null && string.IsNullOrWhiteSpace(username)) error = "--username is required.";
        command = new AdminCommand(username, displayName, passwordFile, force, error);
        hostArgs = [.. rest];
        return true;
    }

    public static async Task<int> RunAsync(IServiceProvider services, AdminCommand command, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        if (command.Error is { } usage)
        {
            await stderr.WriteLineAsync(usage + "\n" + UsageText);
            return Usage;
        }
        string? password;
        try
        {
            password = command.PasswordFile is { } file ? File.ReadLines(file).FirstOrDefault() : await ReadPasswordAsync(stdin, stderr);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"Cannot read the password file: {e.Message}");
            return Usage;
        }
        if (string.IsNullOrEmpty(password))
        {
            await stderr.WriteLineAsync("No password given (the first line of --password-file, or standard input).\n" + UsageText);
            return Usage;
        }

        using var scope = services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<IMarketplaceStore>();
        var users = scope.ServiceProvider.GetRequiredService<UserCommands>();
        try
        {
            await store.InitializeAsync();
            var outcome = await users.BootstrapAdministratorAsync(command.Username!, command.DisplayName, password, command.Force,
                $"cli:{Environment.UserName}@{Environment.MachineName}");
            switch (outcome)
            {
                case BootstrapOutcome.Created:
                    await stdout.WriteLineAsync($"Administrator '{User.NormalizeUsername(command.Username!)}' created.");
                    return Done;
                case BootstrapOutcome.Restored:
                    await stdout.WriteLineAsync($"Administrator '{User.NormalizeUsername(command.Username!)}': new password set, unlocked and enabled; its earlier tokens are refused.");
                    return Done;
                case BootstrapOutcome.AdministratorExists:
                    await stderr.WriteLineAsync("An administrator exists already: nothing was changed. Run again with --force to add another or to reset an administrator's password.");
                    return AdministratorExists;
                default:
                    await stderr.WriteLineAsync($"'{command.Username}' is a user but not an administrator: nothing was changed.");
                    return Usage;
            }
        }
        catch (ValidationFailedException e)
        {
            var messages = scope.ServiceProvider.GetRequiredService<MessageRenderer>();
            foreach (var (field, errors) in e.Errors)
                foreach (var error in errors) await stderr.WriteLineAsync($"{field}: {messages.Render(error)}");
            return Usage;
        }
        catch (Exception e) when (e is DomainRuleException or DuplicateException)
        {
            await stderr.WriteLineAsync($"Not done: {e.Message}");
            return Failed;
        }
    }

    /// <summary>One line of standard input; on a terminal, typed without echo.</summary>
    private static async Task<string?> ReadPasswordAsync(TextReader stdin, TextWriter stderr)
    {
        if (!ReferenceEquals(stdin, Console.In) || Console.IsInputRedirected) return await stdin.ReadLineAsync();
        await stderr.WriteAsync("Password: ");
        var typed = new System.Text.StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace) { if (typed.Length > 0) typed.Length--; }
            else if (!char.IsControl(key.KeyChar)) typed.Append(key.KeyChar);
        }
        await stderr.WriteLineAsync();
        return typed.ToString();
    }
}
