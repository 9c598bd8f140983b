using System.Diagnostics;
using System.Net;
using Marketplace.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests.Realtime;

/// <summary>
/// Core flow 6: every booking change is pushed over SignalR to the school, the provider, the bureau of the
/// school's district and anyone watching the offering — and to no one else.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class LiveStatusTests(DemoFactory factory, ITestOutputHelper output) : IClassFixture<DemoFactory>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task TheBookingSchool_HearsRequestedThenConfirmed_WithinASecond_AndAnotherSchoolHearsNothing()
    {
        var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 30);
        var schoolId = await factory.OrganizationOfAsync("school13");
        await using var mine = await LiveClient.SignedInAsync(factory, "school13");
        await using var other = await LiveClient.SignedInAsync(factory, "school14");
        var school = await factory.ClientForAsync("school13");

        var (bookingId, posted) = await BookAsync(school, sessionId, 6, "live-school-0001");
        var requested = await mine.BookingAsync(m => m.BookingId == bookingId && m.NewStatus == "Requested", Wait, "the Requested change");
        AssertOnTime(requested.LatencySince(posted), "school ← Requested");
        Assert.Null(requested.Message.OldStatus);
        Assert.Equal((sessionId, offeringId, schoolId, 6), (requested.Message.SessionId, requested.Message.OfferingId, requested.Message.SchoolId, requested.Message.Pupils));
        Assert.True(requested.Message.Cursor > 0);

        var confirmedAt = await ActAsync(provider, bookingId, "confirm");
        var confirmed = await mine.BookingAsync(m => m.BookingId == bookingId && m.NewStatus == "Confirmed", Wait, "the Confirmed change");
        AssertOnTime(confirmed.LatencySince(confirmedAt), "school ← Confirmed");
        Assert.Equal("Requested", confirmed.Message.OldStatus);
        Assert.True(confirmed.Message.Cursor > requested.Message.Cursor, $"cursor {confirmed.Message.Cursor} should follow {requested.Message.Cursor}");

        await Silence.AssertNothingAsync(other);
        Assert.Equal(2, mine.Bookings.Count); // once each, no echoes
        Assert.Empty(mine.Availability); // seat counts go to watchers and the provider, not to the school's stream
    }

    [Fact]
    public async Task TheOfferingsProvider_HearsTheBookingAndTheSeats_AndAnotherProviderHearsNothing()
    {
        var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 30);
        await using var owner = await LiveClient.SignedInAsync(factory, "provider1");
        await using var stranger = await LiveClient.SignedInAsync(factory, "provider2");
        var school = await factory.ClientForAsync("school26");

        var (bookingId, posted) = await BookAsync(school, sessionId, 4, "live-provider-01");
        var requested = await owner.BookingAsync(m => m.BookingId == bookingId && m.NewStatus == "Requested", Wait, "the Requested change");
        AssertOnTime(requested.LatencySince(posted), "provider ← Requested");
        var seats = await owner.AvailabilityAsync(m => m.SessionId == sessionId, Wait, "the seat change");
        Assert.Equal((offeringId, 30, 4, 26), (seats.Message.OfferingId, seats.Message.Capacity, seats.Message.Reserved, seats.Message.FreeSeats));

        var confirmedAt = await ActAsync(provider, bookingId, "confirm");
        var confirmed = await owner.BookingAsync(m => m.BookingId == bookingId && m.NewStatus == "Confirmed", Wait, "the Confirmed change");
        AssertOnTime(confirmed.LatencySince(confirmedAt), "provider ← Confirmed");
        Assert.Equal("Requested", confirmed.Message.OldStatus);
        Assert.True(confirmed.Message.Cursor > requested.Message.Cursor);

        await Silence.AssertNothingAsync(stranger);
    }

    [Fact]
    public async Task TheBureau_HearsBookingsOfItsDistrictsSchools_ThroughItsDistrictStream_Once()
    {
        var (_, _, sessionId) = await BookingTests.FreshSessionAsync(factory, 30);
        await using var bureau = await LiveClient.SignedInAsync(factory, "bureau-110105"); // school27 is in 朝阳 (110105)
        await using var stranger = await LiveClient.SignedInAsync(factory, "school22");
        var school = await factory.ClientForAsync("school27");

        var (bookingId, posted) = await BookAsync(school, sessionId, 5, "live-bureau-0001");
        var requested = await bureau.BookingAsync(m => m.BookingId == bookingId, Wait, "the Requested change");
        AssertOnTime(requested.LatencySince(posted), "bureau ← Requested");
        Assert.Equal("Requested", requested.Message.NewStatus);

        await Silence.AssertNothingAsync(stranger);
        Assert.Single(bureau.Bookings); // the bureau is in its org group and twelve district groups, yet hears it once
        Assert.Empty(bureau.Availability);
    }

    [Fact]
    public async Task AnAnonymousWatcher_HearsFreeSeatsOfTheWatchedOfferingOnly_AndNothingAfterUnwatching()
    {
        var (_, watchedOffering, watchedSession) = await BookingTests.FreshSessionAsync(factory, 30);
        var (_, otherOffering, _) = await BookingTests.FreshSessionAsync(factory, 30);
        await using var watcher = await LiveClient.AnonymousAsync(factory, "watcher");
        await using var otherWatcher = await LiveClient.AnonymousAsync(factory, "other watcher");
        await using var provider = await LiveClient.SignedInAsync(factory, "provider1");
        await watcher.WatchAsync(watchedOffering);
        await otherWatcher.WatchAsync(otherOffering);
        var school = await factory.ClientForAsync("school28");

        var (_, posted) = await BookAsync(school, watchedSession, 7, "live-watch-00001");
        var seats = await watcher.AvailabilityAsync(m => m.SessionId == watchedSession, Wait, "the seat change");
        AssertOnTime(seats.LatencySince(posted), "anonymous watcher ← availability");
        Assert.Equal((watchedOffering, null, null, 23, "Scheduled"),
            (seats.Message.OfferingId, seats.Message.Capacity, seats.Message.Reserved, seats.Message.FreeSeats, seats.Message.SessionStatus));
        Assert.True(seats.Message.Cursor > 0);
        await Silence.AssertNothingAsync(otherWatcher);
        Assert.Empty(watcher.Bookings); // who booked is not public

        await watcher.UnwatchAsync(watchedOffering);
        var before = watcher.Count;
        var providerBefore = provider.Availability.Count(a => a.Message.SessionId == watchedSession);
        await BookAsync(school, watchedSession, 3, "live-watch-00002");
        await provider.AvailabilityAsync(m => m.SessionId == watchedSession && m.FreeSeats == 20, Wait, "the second seat change");
        Assert.Equal(providerBefore + 1, provider.Availability.Count(a => a.Message.SessionId == watchedSession));
        await Silence.AssertNothingNewAsync((watcher, before), (otherWatcher, 0));
    }

    [Fact]
    public async Task AProviderWatchingItsOwnOffering_HearsEachSeatChangeOnce()
    {
        var (_, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 30);
        await using var provider = await LiveClient.SignedInAsync(factory, "provider1");
        await provider.WatchAsync(offeringId); // a provider's offering page watches availability like any visitor
        var school = await factory.ClientForAsync("school16");

        await BookAsync(school, sessionId, 2, "live-own-watch-1");
        var seats = await provider.AvailabilityAsync(m => m.SessionId == sessionId, Wait, "the seat change");
        await Task.Delay(Silence.Grace);
        Assert.Single(provider.Availability, a => a.Message.Cursor == seats.Message.Cursor);
    }

    [Fact]
    public async Task AWatcher_HearsSessionsBeingScheduledAndCancelled_EvenWithoutBookings()
    {
        var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 30);
        await using var watcher = await LiveClient.AnonymousAsync(factory, "watcher");
        await watcher.WatchAsync(offeringId);

        var start = Demo.SchoolDay(DateTimeOffset.UtcNow.AddDays(9));
        var added = (await (await provider.PostJsonAsync($"/api/offerings/{offeringId}/sessions", new { startsAt = start, endsAt = start.AddHours(1), capacity = 12 })).ReadJsonAsync()).AsArray()[0]!["id"]!.GetValue<Guid>();
        var appeared = await watcher.AvailabilityAsync(m => m.SessionId == added, Wait, "the new session");
        Assert.Equal((null, 12, "Scheduled"), (appeared.Message.Capacity, appeared.Message.FreeSeats, appeared.Message.SessionStatus));

        (await provider.PostJsonAsync($"/api/offerings/{offeringId}/sessions/{sessionId}/cancel", new { reason = "场馆检修" })).EnsureSuccessStatusCode();
        // The push of the session's own scheduling may still arrive after the watch began: wait for the cancellation itself.
        await watcher.AvailabilityAsync(m => m.SessionId == sessionId && m.SessionStatus == "Cancelled", Wait, "the cancelled session");
    }

    private static async Task<(Guid Id, long PostReturned)> BookAsync(HttpClient school, Guid sessionId, int pupils, string key)
    {
        var response = await school.SendAsync(BookingTests.Book(sessionId, pupils, [3], key));
        var returned = Stopwatch.GetTimestamp();
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return ((await response.ReadJsonAsync())["id"]!.GetValue<Guid>(), returned);
    }

    private static async Task<long> ActAsync(HttpClient provider, Guid bookingId, string action)
    {
        var response = await provider.PostJsonAsync($"/api/bookings/{bookingId}/{action}", null);
        var returned = Stopwatch.GetTimestamp();
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return returned;
    }

    private void AssertOnTime(TimeSpan latency, string what)
    {
        output.WriteLine($"latency {what}: {latency.TotalMilliseconds:F1} ms after the HTTP response");
        Assert.True(latency <= Deadline, $"{what} arrived {latency.TotalMilliseconds:F0} ms after the response; the bound is {Deadline.TotalMilliseconds} ms");
    }
}
