using System.Diagnostics;
using System.Text.Json.Serialization;
using Marketplace.Api.Realtime;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Benchmarks.Push;

/// <summary>One booking's expected push: the session and the free seats it must announce, and when each watcher got it.</summary>
internal sealed class Round(Guid sessionId, int reserved, int freeSeats, int watchers)
{
    private readonly long[] _arrivals = new long[watchers];
    private int _received;

    public Guid SessionId => sessionId;

    public int Reserved => reserved;

    public int FreeSeats => freeSeats;

    public int Received => Volatile.Read(ref _received);

    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IEnumerable<long> Arrivals => _arrivals.Take(Received);

    public void Arrived(long timestamp)
    {
        var n = Interlocked.Increment(ref _received);
        _arrivals[n - 1] = timestamp;
        if (n == watchers) Done.TrySetResult();
    }
}

/// <summary>An anonymous browser-like client: one WebSocket (negotiation skipped) watching one offering.</summary>
internal sealed class Watcher : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private Round? _round;

    private Watcher(HubConnection connection, Guid offeringId)
    {
        _connection = connection;
        OfferingId = offeringId;
    }

    public Guid OfferingId { get; }

    public static async Task<Watcher> StartAsync(Uri baseAddress, Guid offeringId)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "hubs/marketplace"), HttpTransportType.WebSockets, o => o.SkipNegotiation = true)
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        var watcher = new Watcher(connection, offeringId);
        connection.On<SeatsAvailableMessage>("availabilityChanged", watcher.OnAvailability);
        await connection.StartAsync();
        await connection.InvokeAsync("WatchOffering", offeringId);
        return watcher;
    }

    public void Expect(Round round) => Volatile.Write(ref _round, round);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private void OnAvailability(SeatsAvailableMessage message)
    {
        var now = Stopwatch.GetTimestamp();
        var round = Volatile.Read(ref _round);
        if (round is null || message.SessionId != round.SessionId || message.FreeSeats != round.FreeSeats) return;
        // Delivery is at least once: count a watcher once per round.
        if (Interlocked.CompareExchange(ref _round, null, round) == round) round.Arrived(now);
    }
}
