using System.Collections.Concurrent;
using System.Text.Json;
using Marketplace.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Marketplace.Api.Tests.Realtime;

/// <summary>
/// Issue 13: a series is pushed live as bookingSeriesChanged to its school and provider (and nobody else), each of its sessions'
/// bookingChanged carries the seriesId, and the change feed holds both for a client that was offline.
/// </summary>
public sealed class BookingSeriesLiveTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    /// <summary>Records the raw JSON of bookingSeriesChanged pushes (<see cref="LiveClient"/> records the others).</summary>
    private sealed class Raw
    {
        public ConcurrentQueue<JsonElement> Series { get; } = new();

        public static Raw On(LiveClient client)
        {
            var raw = new Raw();
            client.Connection.On<JsonElement>("bookingSeriesChanged", m => raw.Series.Enqueue(m));
            return raw;
        }

        public async Task<JsonElement> SeriesAsync(Guid id, string status)
        {
            var until = DateTime.UtcNow + Wait;
            while (DateTime.UtcNow < until)
            {
                foreach (var m in Series)
                    if (m.GetProperty("seriesId").GetGuid() == id && m.GetProperty("newStatus").GetString() == status) return m;
                await Task.Delay(10);
            }
            throw new Xunit.Sdk.XunitException($"no bookingSeriesChanged {status} for {id} within {Wait}");
        }
    }

    [Fact]
    public async Task ASeries_IsPushedToItsSchoolAndProvider_WithSeriesIdOnEachBooking_AndIsInTheFeed()
    {
        var (provider, offeringId, sessions) = await BookingSeriesTests.OfferingWithSessionsAsync(factory, 3, 30);
        await using var school = await LiveClient.SignedInAsync(factory, "school13");
        await using var owner = await LiveClient.SignedInAsync(factory, "provider1");
        await using var stranger = await LiveClient.SignedInAsync(factory, "school14");
        var (mine, theirs, others) = (Raw.On(school), Raw.On(owner), Raw.On(stranger));
        var http = await factory.ClientForAsync("school13");
        var (_, feedStart) = await http.ReadFeedAsync(0);

        var id = (await (await http.SendAsync(BookingSeriesTests.Series(BookingSeriesTests.RangeBody(offeringId, sessions, 6), "series-live-00001")))
            .AssertStatusAsync(201))["id"]!.GetValue<Guid>();

        var requested = await mine.SeriesAsync(id, "Requested");
        Assert.Equal(JsonValueKind.Null, requested.GetProperty("oldStatus").ValueKind);
        Assert.Equal(3, requested.GetProperty("sessions").GetInt32());
        Assert.Equal(6, requested.GetProperty("pupils").GetInt32());
        Assert.Equal(offeringId, requested.GetProperty("offeringId").GetGuid());
        Assert.True(requested.GetProperty("cursor").GetInt64() > 0);
        await theirs.SeriesAsync(id, "Requested");
        foreach (var s in sessions)
            await school.BookingAsync(m => m.SessionId == s.Id && m.SeriesId == id && m.NewStatus == "Requested", Wait, "the session's Requested change with its seriesId");

        (await provider.PostJsonAsync($"/api/booking-series/{id}/confirm", null)).EnsureSuccessStatusCode();
        var confirmed = await mine.SeriesAsync(id, "Confirmed");
        Assert.Equal("Requested", confirmed.GetProperty("oldStatus").GetString());
        Assert.True(confirmed.GetProperty("cursor").GetInt64() > requested.GetProperty("cursor").GetInt64());
        await theirs.SeriesAsync(id, "Confirmed");

        await Task.Delay(Silence.Grace);
        Assert.Empty(others.Series);
        Assert.DoesNotContain(stranger.Bookings, b => b.Message.SeriesId == id);

        var (feed, _) = await http.ReadFeedAsync(feedStart);
        Assert.Equal(["Requested", "Confirmed"], feed.Where(i => i!["type"]!.GetValue<string>() == "bookingSeriesChanged")
            .Select(i => i!["data"]!["newStatus"]!.GetValue<string>()));
        Assert.Equal(6, feed.Count(i => i!["type"]!.GetValue<string>() == "bookingChanged" && i["data"]!["seriesId"]?.GetValue<Guid?>() == id));
    }
}
