using System.Diagnostics;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Api.Tests.Realtime;
using Microsoft.AspNetCore.SignalR.Client;

namespace Marketplace.Api.Tests.Waitlist;

/// <summary>The wire shape of the <c>waitlistChanged</c> push.</summary>
public sealed record WaitlistChangedPush(
    long Cursor, DateTimeOffset At, Guid EntryId, Guid SessionId, Guid OfferingId, Guid SchoolId, string? OldStatus, string NewStatus, int Pupils, DateTimeOffset? HeldUntil);

/// <summary>
/// A held group is told live: the cancel that freed the seats pushes <c>waitlistChanged</c> (Waiting → Held, with heldUntil) to
/// the waiting school and the provider, never to another school; the change feed has the same events for a school that was offline.
/// </summary>
public sealed class WaitlistLiveTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private sealed class Recorder
    {
        private readonly Lock _gate = new();
        private readonly List<WaitlistChangedPush> _pushes = [];

        public Recorder(LiveClient client) => client.Connection.On<WaitlistChangedPush>("waitlistChanged", m => { lock (_gate) _pushes.Add(m); });

        public IReadOnlyList<WaitlistChangedPush> Pushes { get { lock (_gate) return [.. _pushes]; } }

        public async Task<WaitlistChangedPush> WaitForAsync(Func<WaitlistChangedPush, bool> match, string what)
        {
            var until = Stopwatch.GetTimestamp() + (long)(Wait.TotalSeconds * Stopwatch.Frequency);
            while (true)
            {
                if (Pushes.FirstOrDefault(match) is { } found) return found;
                if (Stopwatch.GetTimestamp() >= until) throw new Xunit.Sdk.XunitException($"did not receive {what}; received {Pushes.Count} waitlist pushes");
                await Task.Delay(10);
            }
        }
    }

    [Fact]
    public async Task TheWaitingSchool_AndTheProvider_HearTheHold_AnotherSchoolHearsNothing()
    {
        var (provider, _, sessionId) = await BookingTests.FreshSessionAsync(factory, 5);
        var (school1, school2) = (await factory.ClientForAsync("school1"), await factory.ClientForAsync("school2"));
        var school2Id = await factory.OrganizationOfAsync("school2");
        await using var waitingLive = await LiveClient.SignedInAsync(factory, "school2");
        await using var providerLive = await LiveClient.SignedInAsync(factory, "provider1");
        await using var otherLive = await LiveClient.SignedInAsync(factory, "school3");
        var (waiting, owner, other) = (new Recorder(waitingLive), new Recorder(providerLive), new Recorder(otherLive));

        var booking = await WaitlistTests.BookAsync(school1, sessionId, 5, "wl-live-book-01");
        var entry = (await (await WaitlistTests.JoinAsync(school2, sessionId, 4)).AssertStatusAsync(201))["id"]!.GetValue<Guid>();
        var joined = await waiting.WaitForAsync(m => m.EntryId == entry && m.NewStatus == "Waiting", "the join");
        Assert.Null(joined.OldStatus);
        await owner.WaitForAsync(m => m.EntryId == entry && m.NewStatus == "Waiting", "the join (provider)");

        (await school1.PostJsonAsync($"/api/bookings/{booking}/cancel", null)).EnsureSuccessStatusCode();

        var held = await waiting.WaitForAsync(m => m.EntryId == entry && m.NewStatus == "Held", "the hold");
        Assert.Equal(("Waiting", sessionId, school2Id, 4), (held.OldStatus, held.SessionId, held.SchoolId, held.Pupils));
        Assert.NotNull(held.HeldUntil);
        Assert.Equal(TimeSpan.FromHours(8), held.HeldUntil!.Value.Offset);
        Assert.True(held.Cursor > joined.Cursor);
        await owner.WaitForAsync(m => m.EntryId == entry && m.NewStatus == "Held", "the hold (provider)");
        await Task.Delay(Silence.Grace);
        Assert.Empty(other.Pushes);

        // Offline, the school reads the same from the change feed.
        var feed = (await school2.GetJsonAsync($"/api/events?after={joined.Cursor - 1}"))["items"]!.AsArray();
        var changes = feed.Where(i => i!["type"]!.GetValue<string>() == "waitlistChanged").Select(i => i!["data"]!["newStatus"]!.GetValue<string>());
        Assert.Equal(["Waiting", "Held"], changes);
    }
}
