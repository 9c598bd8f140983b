using System.Diagnostics;
using System.Net.Http.Json;
using Marketplace.Api.Admin;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Accounts;

/// <summary>An empty host (no demo seed, so no administrator yet), as a fresh Production install starts.</summary>
public sealed class EmptyHostFactory() : MarketplaceFactory(new Dictionary<string, string?> { ["Marketplace:SeedDemo"] = "false" });

/// <summary>Issue 12: <c>admin create</c> bootstraps the platform administrator from the command line, once; the password comes
/// from standard input or a file, never from an argument.</summary>
public class AdminCliTests(EmptyHostFactory factory) : IClassFixture<EmptyHostFactory>
{
    private async Task<(int Exit, string Out, string Error)> RunAsync(string stdin, params string[] args)
    {
        Assert.True(AdminCli.TryParse(["admin", "create", .. args], out var command, out var rest));
        Assert.Empty(rest);
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await AdminCli.RunAsync(factory.Services, command!, new StringReader(stdin), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private async Task<HttpResponseMessage> SignInAsync(string username, string password) =>
        await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { username, password });

    [Fact]
    public async Task TheFirstRun_CreatesTheAdministrator_ASecondRefuses_AndForceResetsIt()
    {
        var first = await RunAsync("Root@2026pw\n", "--username", "Platform-Root", "--display-name", "平台运维");
        Assert.True(first.Exit == AdminCli.Done, first.Error);
        var token = await (await SignInAsync("platform-root", "Root@2026pw")).AssertStatusAsync(200);
        Assert.Equal(("Administrator", "Admin"), (token["role"]!.GetValue<string>(), token["orgRole"]!.GetValue<string>()));

        var second = await RunAsync("Other@2026pw\n", "--username", "second-root");
        Assert.Equal(AdminCli.AdministratorExists, second.Exit);
        Assert.Contains("--force", second.Error);
        await (await SignInAsync("second-root", "Other@2026pw")).AssertProblemAsync(401);

        // Locked out, then --force: a new password, unlocked, and the earlier tokens refused.
        var client = AccountTests.WithToken(factory, token["accessToken"]!.GetValue<string>());
        for (var i = 0; i < 6; i++) await SignInAsync("platform-root", "Wrong@2026pw");
        await (await SignInAsync("platform-root", "Root@2026pw")).AssertProblemAsync(401);
        var file = Path.Combine(factory.DataDirectory, "admin-password.txt");
        await File.WriteAllTextAsync(file, "Fresh@2026pw\nignored second line\n");
        var forced = await RunAsync("", "--username", "platform-root", "--password-file", file, "--force");
        Assert.True(forced.Exit == AdminCli.Done, forced.Error);
        await (await SignInAsync("platform-root", "Fresh@2026pw")).AssertStatusAsync(200);
        Assert.Equal(401, (int)(await client.GetAsync("/api/admin/organisations")).StatusCode);

        var entries = (await (await factory.ClientForAsync("platform-root", "Fresh@2026pw")).GetJsonAsync("/api/audit")).AsArray();
        Assert.Equal(["administrator.restore", "administrator.create"], entries.Select(e => e!["action"]!.GetValue<string>()));
        Assert.StartsWith("cli:", entries[1]!["actor"]!.GetValue<string>());
    }

    [Fact]
    public async Task Force_OnAUserWhoIsNotAnAdministrator_IsRefused_AndChangesNothing()
    {
        var store = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Core.Persistence.IMarketplaceStore>(factory.Services);
        await store.CommitAsync(new Core.Persistence.StoreChanges().Insert(Core.Identity.User.Create("cli-provider", "x", Core.Shared.Role.Provider,
            Guid.CreateVersion7(), "赵老师", Core.Shared.OrgRole.Admin)));

        var run = await RunAsync("Other@2026pw\n", "--username", "cli-provider", "--force");

        Assert.Equal(AdminCli.Usage, run.Exit);
        Assert.Equal(Core.Shared.Role.Provider, (await store.FindUserAsync("cli-provider"))!.Role);
    }

    [Theory]
    [InlineData("short\n", "password")]
    [InlineData("nodigitsorsymbols\n", "password")]
    [InlineData("\n", "No password")]
    public async Task APasswordTheRulesRefuse_ExitsWith2(string stdin, string said)
    {
        var run = await RunAsync(stdin, "--username", "weak-root", "--force");
        Assert.Equal(AdminCli.Usage, run.Exit);
        Assert.Contains(said, run.Error);
        await (await SignInAsync("weak-root", stdin.Trim())).AssertProblemAsync(stdin.Trim().Length == 0 ? 400 : 401);
    }

    [Theory]
    [InlineData("--username", "x1", "--password", "Secret@2026")]
    [InlineData("--username", "x1", "--password=Secret@2026")]
    [InlineData("--display-name", "没有用户名")]
    public async Task ThePasswordAsAnArgument_OrNoUsername_IsRefused(params string[] args)
    {
        var run = await RunAsync("Secret@2026x\n", args);
        Assert.Equal(AdminCli.Usage, run.Exit);
        Assert.Contains("Usage: admin create", run.Error);
        Assert.DoesNotContain("Secret@2026", run.Error);
    }

    [Fact]
    public void TheAdminWords_AreTakenOut_BeforeTheHostReadsItsArguments()
    {
        Assert.True(AdminCli.TryParse(["admin", "create", "--force", "--username", "root", "--environment", "Production", "--Marketplace:DataDirectory=/srv/data"],
            out var command, out var hostArgs));
        Assert.Equal(new AdminCommand("root", null, null, true, null), command);
        Assert.Equal(["--environment", "Production", "--Marketplace:DataDirectory=/srv/data"], hostArgs);
        Assert.False(AdminCli.TryParse(["--urls", "http://localhost:5080"], out var none, out var same));
        Assert.Null(none);
        Assert.Equal(["--urls", "http://localhost:5080"], same);
    }

    /// <summary>As an operator runs it: the built host in its own process, the password on standard input.</summary>
    [Fact]
    public async Task AsAProcess_CreatesOnce_ThenExits3_AndRefusesAPasswordArgument()
    {
        var data = Path.Combine(Path.GetTempPath(), "marketplace-cli-tests", Guid.NewGuid().ToString("N"));
        try
        {
            Assert.Equal((0, ""), await RunProcessAsync(data, "Kaishi@2026pw", "--username", "root"));
            var second = await RunProcessAsync(data, "Kaishi@2026pw", "--username", "root2");
            Assert.Equal(3, second.Exit);
            Assert.Contains("administrator exists", second.Error);
            Assert.Equal(2, (await RunProcessAsync(data, "", "--username", "root3", "--password", "Kaishi@2026pw")).Exit);
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { /* the OS cleans the temp folder */ }
        }
    }

    private static async Task<(int Exit, string Error)> RunProcessAsync(string data, string stdin, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Marketplace.Api.dll"), "admin", "create", .. args])
        {
            RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["Marketplace__DataDirectory"] = data;
        info.Environment["Marketplace__SeedDemo"] = "false";
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        await process.StandardInput.WriteLineAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        await output;
        return (process.ExitCode, (await error).Trim());
    }
}
