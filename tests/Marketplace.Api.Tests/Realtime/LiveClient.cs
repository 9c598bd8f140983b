using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Marketplace.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests.Realtime;

/// <summary>The wire shape of the <c>bookingChanged</c> push, as a browser client sees it (camelCase JSON).</summary>
public sealed record BookingChangedPush(
    long Cursor, DateTimeOffset At, Guid BookingId, Guid SessionId, Guid OfferingId, Guid SchoolId, Guid ProviderId,
    string? OldStatus, string NewStatus, int Pupils, Guid? SeriesId = null);

/// <summary>The wire shape of the <c>availabilityChanged</c> push; capacity and reserved only on the provider's own stream.</summary>
public sealed record AvailabilityChangedPush(
    long Cursor, DateTimeOffset At, Guid OfferingId, Guid SessionId, int? Capacity, int? Reserved, int FreeSeats, string SessionStatus);

/// <summary>A pushed message with the moment (<see cref="Stopwatch"/> ticks) the client received it.</summary>
public sealed record Received<T>(T Message, long Timestamp)
{
    /// <summary>Time from <paramref name="since"/> to delivery; zero when it arrived even earlier (before the HTTP response).</summary>
    public TimeSpan LatencySince(long since)
    {
        var elapsed = Stopwatch.GetElapsedTime(since, Timestamp);
        return elapsed < TimeSpan.Zero ? TimeSpan.Zero : elapsed;
    }
}

/// <summary>
/// A SignalR client of /hubs/marketplace over TestServer WebSockets that records every push it receives,
/// so a test can wait (bounded) for the right one and prove that nothing else arrived.
/// </summary>
public sealed class LiveClient : IAsyncDisposable
{
    public const string BookingChanged = "bookingChanged";
    public const string AvailabilityChanged = "availabilityChanged";

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);
    private readonly Lock _gate = new();
    private readonly List<Received<BookingChangedPush>> _bookings = [];
    private readonly List<Received<AvailabilityChangedPush>> _availability = [];
    private readonly List<string> _wrongOffsets = [];

    private LiveClient(string name, HubConnection connection)
    {
        Name = name;
        Connection = connection;
        connection.On<BookingChangedPush>(BookingChanged, m => { lock (_gate) { _bookings.Add(new(m, Stopwatch.GetTimestamp())); CheckBeijing(m.At); } });
        connection.On<AvailabilityChangedPush>(AvailabilityChanged, m => { lock (_gate) { _availability.Add(new(m, Stopwatch.GetTimestamp())); CheckBeijing(m.At); } });
    }

    public string Name { get; }

    public HubConnection Connection { get; }

    public IReadOnlyList<Received<BookingChangedPush>> Bookings { get { lock (_gate) return [.. _bookings]; } }

    public IReadOnlyList<Received<AvailabilityChangedPush>> Availability { get { lock (_gate) return [.. _availability]; } }

    public int Count { get { lock (_gate) return _bookings.Count + _availability.Count; } }

    /// <summary>Signs in through the API and returns the bearer token.</summary>
    public static async Task<string> TokenAsync(WebApplicationFactory<Program> factory, string username)
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { username, password = MarketplaceFactory.Password });
        response.EnsureSuccessStatusCode();
        return (await response.ReadJsonAsync())["accessToken"]!.GetValue<string>();
    }

    public static async Task<LiveClient> SignedInAsync(WebApplicationFactory<Program> factory, string username) =>
        await ConnectAsync(factory.Server, username, await TokenAsync(factory, username));

    public static Task<LiveClient> AnonymousAsync(WebApplicationFactory<Program> factory, string name = "anonymous") =>
        ConnectAsync(factory.Server, name, null);

    public static async Task<LiveClient> ConnectAsync(TestServer server, string name, string? token)
    {
        var path = "/hubs/marketplace" + (token is null ? "" : "?access_token=" + Uri.EscapeDataString(token));
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, path), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.HttpMessageHandlerFactory = _ => server.CreateHandler();
                o.WebSocketFactory = async (ctx, ct) => await server.CreateWebSocketClient().ConnectAsync(ctx.Uri, ct);
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        var client = new LiveClient(name, connection);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await connection.StartAsync(cts.Token);
        // StartAsync returns at the handshake, before the server's OnConnectedAsync has joined the caller's groups.
        // The server dispatches invocations only after OnConnectedAsync, so one round trip is the barrier.
        await connection.InvokeAsync("UnwatchOffering", Guid.Empty, cts.Token);
        return client;
    }

    public Task WatchAsync(Guid offeringId) => Connection.InvokeAsync("WatchOffering", offeringId);

    public Task UnwatchAsync(Guid offeringId) => Connection.InvokeAsync("UnwatchOffering", offeringId);

    public Task<Received<BookingChangedPush>> BookingAsync(Func<BookingChangedPush, bool> match, TimeSpan timeout, string what) =>
        WaitAsync(() => Bookings, match, timeout, what);

    public Task<Received<AvailabilityChangedPush>> AvailabilityAsync(Func<AvailabilityChangedPush, bool> match, TimeSpan timeout, string what) =>
        WaitAsync(() => Availability, match, timeout, what);

    private async Task<Received<T>> WaitAsync<T>(Func<IReadOnlyList<Received<T>>> snapshot, Func<T, bool> match, TimeSpan timeout, string what)
    {
        Assert.True(timeout <= TimeSpan.FromSeconds(5), "waits are bounded to 5 s");
        var until = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (snapshot().FirstOrDefault(r => match(r.Message)) is { } found) return found;
            if (Stopwatch.GetTimestamp() >= until)
                throw new Xunit.Sdk.XunitException($"{Name} did not receive {what} within {timeout.TotalMilliseconds} ms; it received: {Describe()}");
            await Task.Delay(Poll);
        }
    }

    public string Describe()
    {
        lock (_gate)
        {
            var all = _bookings.Select(b => (b.Message.Cursor, Text: $"{BookingChanged}#{b.Message.Cursor} {b.Message.OldStatus}->{b.Message.NewStatus}"))
                .Concat(_availability.Select(a => (a.Message.Cursor, Text: $"{AvailabilityChanged}#{a.Message.Cursor} free={a.Message.FreeSeats}")))
                .OrderBy(x => x.Cursor).Select(x => x.Text).ToList();
            return all.Count == 0 ? "nothing" : string.Join(", ", all);
        }
    }

    /// <summary>Pushes carry instants in +08:00 like every response; a test that received another offset fails here.</summary>
    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        lock (_gate)
        {
            if (_wrongOffsets.Count > 0) throw new InvalidOperationException($"{Name} received pushes with instants outside +08:00: {string.Join(", ", _wrongOffsets.Take(3))}");
        }
    }

    private void CheckBeijing(DateTimeOffset at)
    {
        if (at.Offset != TimeSpan.FromHours(8)) _wrongOffsets.Add(at.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>"Does not receive": once the right client has its event, give the wrong ones a grace period and check they stayed silent.</summary>
public static class Silence
{
    public static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(300);

    public static async Task AssertNothingNewAsync(params (LiveClient Client, int CountBefore)[] clients)
    {
        await Task.Delay(Grace);
        foreach (var (client, before) in clients)
            Assert.True(client.Count == before, $"{client.Name} should have received nothing new, but has: {client.Describe()}");
    }

    public static Task AssertNothingAsync(params LiveClient[] clients) =>
        AssertNothingNewAsync([.. clients.Select(c => (c, 0))]);
}
