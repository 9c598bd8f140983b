using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Recovery;

/// <summary>
/// Backup and restore as an operator runs them (the built Marketplace.Api.dll in its own process) against a host on the same
/// data folder: the restored store never leaves the index serving offerings it does not hold, and the index takes the
/// store's writes again after the restore although the restored outbox hands out its cursors a second time.
/// </summary>
public sealed class RestoreTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "marketplace-tests", "restore-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> _settings;

    public RestoreTests() => _settings = new Dictionary<string, string?> { ["Marketplace:DataDirectory"] = _folder };

    private string Backup => Path.Combine(_folder, "..", Path.GetFileName(_folder) + "-backup.db");

    [Fact]
    public async Task Backup_Publish_Restore_Restart_ServesNoGhost_AndTheIndexTakesNewWritesAgain()
    {
        Guid kept, ghost;
        using (var before = new MarketplaceFactory(_settings))
        {
            var (provider, id) = await PublishAsync(before, "备份前的天文课甲");
            kept = id;
            await UntilFoundAsync(before, "备份前的天文课甲");

            var backup = await RunCliAsync("backup", Backup); // online: the host keeps running and writing
            Assert.True(backup.Exit == 0, backup.Output);

            (_, ghost) = await PublishAsync(before, "备份后的幽灵陶艺课");
            await RenameAsync(provider, kept, "备份后改名的天文课乙"); // indexed at a cursor the restored outbox hands out again
            await UntilFoundAsync(before, "备份后的幽灵陶艺课");
            await UntilFoundAsync(before, "备份后改名的天文课乙");

            var refused = await RunCliAsync("restore", Backup);
            Assert.True(refused.Exit == 3, refused.Output);
            Assert.Contains("in use", refused.Output, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await before.CreateClient().GetAsync($"/api/offerings/{ghost}")).StatusCode); // nothing changed
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var restore = await RunCliAsync("restore", Backup);
        Assert.True(restore.Exit == 0, restore.Output);
        Assert.Contains("new store epoch", restore.Output, StringComparison.Ordinal);

        using var after = new MarketplaceFactory(_settings);
        var anonymous = after.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/offerings/{ghost}")).StatusCode);
        Assert.Null(await FindAsync(after, "备份后的幽灵陶艺课"));
        Assert.Null(await FindAsync(after, "备份后改名的天文课乙"));
        Assert.NotNull(await FindAsync(after, "备份前的天文课甲"));

        // Written after the restore at cursors the lost events had: the index applies them.
        var provider1 = await after.ClientForAsync("provider7");
        await RenameAsync(provider1, kept, "恢复后再改名的天文课丙");
        await UntilFoundAsync(after, "恢复后再改名的天文课丙");
        await PublishAsync(after, "恢复后新发布的书法课");
        await UntilFoundAsync(after, "恢复后新发布的书法课");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task AStoreReplacedByHand_WithoutANewEpoch_IsCaughtByTheIndexBeingAhead()
    {
        Guid ghost;
        using (var before = new MarketplaceFactory(_settings))
        {
            await PublishAsync(before, "手工恢复前的围棋课");
            Assert.Equal(0, (await RunCliAsync("backup", Backup)).Exit);
            (_, ghost) = await PublishAsync(before, "手工恢复后的幽灵围棋课");
            await UntilFoundAsync(before, "手工恢复后的幽灵围棋课");
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        // The old recipe: copy the backup over the database and delete the -wal/-shm files; the epoch stays the same.
        var database = Path.Combine(_folder, "marketplace.db");
        File.Copy(Backup, database, overwrite: true);
        File.Delete(database + "-wal");
        File.Delete(database + "-shm");

        using var after = new MarketplaceFactory(_settings);
        Assert.Equal(HttpStatusCode.NotFound, (await after.CreateClient().GetAsync($"/api/offerings/{ghost}")).StatusCode);
        Assert.Null(await FindAsync(after, "手工恢复后的幽灵围棋课"));
        Assert.NotNull(await FindAsync(after, "手工恢复前的围棋课"));
    }

    private static async Task<(HttpClient Provider, Guid Id)> PublishAsync(MarketplaceFactory factory, string title)
    {
        var provider = await factory.ClientForAsync("provider7");
        var body = await (await provider.PostJsonAsync("/api/offerings", Demo.OfferingBody(title))).ReadJsonAsync();
        var id = body["id"]!.GetValue<Guid>();
        await provider.PostJsonAsync($"/api/offerings/{id}/submit", null);
        (await (await factory.ClientForAsync(await factory.HomeBureauOfAsync("provider7"))).PostJsonAsync($"/api/offerings/{id}/approve", null)).EnsureSuccessStatusCode();
        return (provider, id);
    }

    private static async Task RenameAsync(HttpClient provider, Guid id, string title)
    {
        var current = await provider.GetAsync($"/api/offerings/{id}");
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/offerings/{id}") { Content = JsonContent.Create(Demo.OfferingBody(title)) };
        put.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.Tag);
        (await provider.SendAsync(put)).EnsureSuccessStatusCode();
    }

    internal static async Task<JsonNode?> FindAsync(MarketplaceFactory factory, string title)
    {
        var result = await factory.CreateClient().GetJsonAsync("/api/search/offerings?q=" + Uri.EscapeDataString(title) + "&pageSize=50");
        return result["items"]!.AsArray().FirstOrDefault(i => i!["title"]!.GetValue<string>() == title);
    }

    private static Task<JsonNode> UntilFoundAsync(MarketplaceFactory factory, string title) =>
        BookingTests.WaitForAsync(() => FindAsync(factory, title), TimeSpan.FromSeconds(5));

    /// <summary>The built host's command line in its own process, on this test's data folder.</summary>
    private async Task<(int Exit, string Output)> RunCliAsync(params string[] words)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Marketplace.Api.dll"), .. words])
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = AppContext.BaseDirectory,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["Marketplace__DataDirectory"] = _folder;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        File.Delete(Backup);
    }
}
