using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Api.Tests.Realtime;

namespace Marketplace.Api.Tests.Catalog;

/// <summary>
/// Pausing an offering stops new bookings and hides it from search, but a school holding a live booking still sees the offering
/// and its sessions (not 404), is told live and in its change feed, and a new booking there says why it is refused.
/// </summary>
public sealed class PausedOfferingTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ABookedSchool_StillSeesAPausedOffering_AndIsTold_OthersGet404()
    {
        var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 30);
        var booked = await factory.ClientForAsync("school27");
        var other = await factory.ClientForAsync("school26");
        (await booked.SendAsync(BookingTests.Book(sessionId, 5, [3], "paused-book-0001"))).EnsureSuccessStatusCode();
        var feedStart = (await booked.GetJsonAsync("/api/events?after=0"))["next"]!.GetValue<long>();

        await using var bookedLive = await LiveClient.SignedInAsync(factory, "school27");
        await using var otherLive = await LiveClient.SignedInAsync(factory, "school26");
        var heard = new List<JsonElement>();
        var otherHeard = new List<JsonElement>();
        bookedLive.Connection.On<JsonElement>("offeringChanged", m => { lock (heard) heard.Add(m); });
        otherLive.Connection.On<JsonElement>("offeringChanged", m => { lock (otherHeard) otherHeard.Add(m); });

        (await provider.PostJsonAsync($"/api/offerings/{offeringId}/pause", null)).EnsureSuccessStatusCode();

        // Seen by the school that booked, with its sessions, and watchable live; not by another school of the same district.
        Assert.Equal("Paused", (await booked.GetJsonAsync($"/api/offerings/{offeringId}"))["status"]!.GetValue<string>());
        Assert.Equal(sessionId, (await booked.GetJsonAsync($"/api/offerings/{offeringId}/sessions")).AsArray().Single()!["id"]!.GetValue<Guid>());
        await bookedLive.WatchAsync(offeringId);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/offerings/{offeringId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/offerings/{offeringId}/sessions")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient().GetAsync($"/api/offerings/{offeringId}")).StatusCode);
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => otherLive.WatchAsync(offeringId));

        // A new booking: the booked school learns why (409), the other one never saw it (404).
        var refused = await (await booked.SendAsync(BookingTests.Book(sessionId, 2, [3], "paused-book-0002"))).AssertProblemAsync(409);
        Assert.Equal("offering-not-bookable", refused["code"]!.GetValue<string>());
        await (await other.SendAsync(BookingTests.Book(sessionId, 2, [3], "paused-book-0003"))).AssertProblemAsync(404);
        // A series answers alike (the same reach check).
        var series = await (await booked.SendAsync(BookingSeriesTests.Series(BookingSeriesTests.IdsBody(offeringId, [sessionId], 2), "paused-series-0001"))).AssertProblemAsync(409);
        Assert.Equal("offering-not-bookable", series["code"]!.GetValue<string>());
        await (await other.SendAsync(BookingSeriesTests.Series(BookingSeriesTests.IdsBody(offeringId, [sessionId], 2), "paused-series-0002"))).AssertProblemAsync(404);

        // Told live and in the feed; the other school neither.
        await UntilAsync(() => { lock (heard) return heard.Count > 0; }, "offeringChanged Paused");
        Assert.Equal((offeringId, "Paused"), (heard[0].GetProperty("offeringId").GetGuid(), heard[0].GetProperty("status").GetString()));
        var feed = (await booked.GetJsonAsync($"/api/events?after={feedStart}"))["items"]!.AsArray();
        var notice = feed.Single(i => i!["type"]!.GetValue<string>() == "offeringChanged")!;
        Assert.Equal(("Paused", offeringId), (notice["data"]!["status"]!.GetValue<string>(), notice["data"]!["offeringId"]!.GetValue<Guid>()));
        var otherFeed = (await other.GetJsonAsync("/api/events?after=0"))["items"]!.AsArray();
        Assert.DoesNotContain(otherFeed, i => i!["type"]!.GetValue<string>() == "offeringChanged" && i["data"]!["offeringId"]!.GetValue<Guid>() == offeringId);
        await Task.Delay(Silence.Grace);
        lock (otherHeard) Assert.Empty(otherHeard);

        // Resumed: bookable again, and the booked school hears that too.
        (await provider.PostJsonAsync($"/api/offerings/{offeringId}/resume", null)).EnsureSuccessStatusCode();
        (await booked.SendAsync(BookingTests.Book(sessionId, 2, [3], "paused-book-0004"))).EnsureSuccessStatusCode();
        await UntilAsync(() => { lock (heard) return heard.Count > 1; }, "offeringChanged Published");
        Assert.Equal("Published", heard[1].GetProperty("status").GetString());
    }

    internal static async Task UntilAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + Wait;
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"{what}: not within {Wait}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task ASchoolWhoseBookingEnded_NoLongerSeesThePausedOffering()
    {
        var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 30);
        var school = await factory.ClientForAsync("school28");
        var booking = await (await school.SendAsync(BookingTests.Book(sessionId, 3, [3], "paused-withdraw-1"))).AssertStatusAsync(201);
        await (await school.PostJsonAsync($"/api/bookings/{booking["id"]!.GetValue<Guid>()}/cancel", new { reason = "活动改期" })).AssertStatusAsync(200);
        (await provider.PostJsonAsync($"/api/offerings/{offeringId}/pause", null)).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.NotFound, (await school.GetAsync($"/api/offerings/{offeringId}")).StatusCode);
        await (await school.SendAsync(BookingTests.Book(sessionId, 2, [3], "paused-withdraw-2"))).AssertProblemAsync(404);
    }
}
