using System.Diagnostics;
using System.Net.Sockets;
using System.Net;
using Garnet;
using Marketplace.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests.Realtime;

/// <summary>
/// Scale-out shape: two API instances over one SQLite file, each with its own Lucene index, joined by a Redis
/// backplane (an in-process Garnet server). Instance A seeds the demo; B starts on the seeded database.
/// </summary>
public sealed class ScaleOutFixture : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "marketplace-tests", "scale-out-" + Guid.NewGuid().ToString("N"));
    private GarnetServer? _garnet;

    public MarketplaceFactory A { get; private set; } = null!;

    public MarketplaceFactory B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        var port = FreeLoopbackPort();
        _garnet = new GarnetServer(["--bind", "127.0.0.1", "--port", port.ToString()]);
        _garnet.Start();

        Dictionary<string, string?> Settings(bool seed) => new()
        {
            ["Marketplace:Backplane"] = "Redis",
            ["Marketplace:Redis:ConnectionString"] = $"127.0.0.1:{port}",
            ["Marketplace:Sqlite:DatabasePath"] = Path.Combine(_folder, "shared.db"),
            ["Marketplace:Jwt:SigningKey"] = "scale-out-test-signing-key-0123456789-abcdef",
            ["Marketplace:SeedDemo"] = seed ? "true" : "false",
            ["Marketplace:DataProtection:KeysPath"] = Path.Combine(_folder, "keys"), // the web UI's cookies: one key ring
        };
        A = new MarketplaceFactory(Settings(seed: true));
        A.CreateClient().Dispose(); // starts A: migrations and the demo seed complete before B opens the database
        B = new MarketplaceFactory(Settings(seed: false));
        B.CreateClient().Dispose();
        await Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (B is not null) await B.DisposeAsync();
        if (A is not null) await A.DisposeAsync();
        _garnet?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* the OS cleans the temp folder */ }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[Collection(TimingCollection.Name)]
public sealed class BackplaneTests(ScaleOutFixture scaleOut, ITestOutputHelper output) : IClassFixture<ScaleOutFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task ChangesCommittedOnInstanceA_ReachClientsOnInstanceB_WithinTwoSeconds_ExactlyOncePerCursor()
    {
        var (a, b) = (scaleOut.A, scaleOut.B);
        var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(a, 30);
        var schoolToken = await LiveClient.TokenAsync(a, "school1"); // issued by A, accepted by B: one signing key
        await using var schoolOnB = await LiveClient.ConnectAsync(b.Server, "school1 on B", schoolToken);
        await using var watcherOnB = await LiveClient.AnonymousAsync(b, "anonymous watcher on B");
        await using var schoolOnA = await LiveClient.ConnectAsync(a.Server, "school1 on A", schoolToken);
        await using var strangerOnB = await LiveClient.SignedInAsync(b, "school26");
        await watcherOnB.WatchAsync(offeringId);
        var school = await a.ClientForAsync("school1");

        var response = await school.SendAsync(BookingTests.Book(sessionId, 9, [3], "scale-out-key-01"));
        var posted = Stopwatch.GetTimestamp();
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var bookingId = (await response.ReadJsonAsync())["id"]!.GetValue<Guid>();

        var requested = await schoolOnB.BookingAsync(m => m.BookingId == bookingId && m.NewStatus == "Requested", Deadline, "the Requested change");
        Report(requested.LatencySince(posted), "school on B ← Requested");
        var seats = await watcherOnB.AvailabilityAsync(m => m.SessionId == sessionId, Deadline, "the seat change");
        Report(seats.LatencySince(posted), "watcher on B ← availability");
        Assert.Equal(21, seats.Message.FreeSeats);
        await schoolOnA.BookingAsync(m => m.BookingId == bookingId && m.NewStatus == "Requested", Deadline, "the Requested change");

        var confirm = await provider.PostJsonAsync($"/api/bookings/{bookingId}/confirm", null);
        var confirmedAt = Stopwatch.GetTimestamp();
        confirm.EnsureSuccessStatusCode();
        var confirmed = await schoolOnB.BookingAsync(m => m.BookingId == bookingId && m.NewStatus == "Confirmed", Deadline, "the Confirmed change");
        Report(confirmed.LatencySince(confirmedAt), "school on B ← Confirmed");
        Assert.True(confirmed.Message.Cursor > requested.Message.Cursor);
        await schoolOnA.BookingAsync(m => m.BookingId == bookingId && m.NewStatus == "Confirmed", Deadline, "the Confirmed change");

        // Both instances poll the shared outbox; only one may push each event, so no client hears one twice.
        await Task.Delay(TimeSpan.FromMilliseconds(800)); // longer than the dispatcher's 500 ms poll: a second pusher would have shown
        foreach (var client in new[] { schoolOnB, schoolOnA })
        {
            var cursors = client.Bookings.Select(r => r.Message.Cursor).ToList();
            Assert.True(cursors.SequenceEqual([requested.Message.Cursor, confirmed.Message.Cursor]), $"{client.Name} heard: {client.Describe()}");
        }
        Assert.True(watcherOnB.Availability.Select(r => r.Message.Cursor).SequenceEqual([seats.Message.Cursor]), $"the watcher heard: {watcherOnB.Describe()}");
        Assert.Empty(watcherOnB.Bookings);
        Assert.True(strangerOnB.Count == 0, $"another school heard: {strangerOnB.Describe()}");
    }

    private void Report(TimeSpan latency, string what)
    {
        output.WriteLine($"latency {what}: {latency.TotalMilliseconds:F1} ms after the HTTP response");
        Assert.True(latency <= Deadline, $"{what} took {latency.TotalMilliseconds:F0} ms");
    }
}
