using System.Net;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Waitlist;

/// <summary>
/// Real parallel HTTP requests against the waiting list. After each race the seat ledger holds (reserved = pupils of live
/// bookings + pupils of held entries, never above capacity): no seat is both held and sold.
/// </summary>
public class WaitlistConcurrencyTests
{
    /// <summary>The ten Beijing demo schools, where provider1's test offerings are visible.</summary>
    private static readonly int[] Schools = [1, 2, 3, 4, 13, 14, 15, 16, 25, 26];

    /// <summary>Every grade: the demo's Beijing schools are primary (1–6) and junior (7–9, school15 and school25).</summary>
    private static readonly int[] AllGrades = [1, 2, 3, 4, 5, 6, 7, 8, 9];

    /// <summary>As <see cref="BookingTests.FreshSessionAsync"/>, for grades 1–9, so that all ten Beijing schools may book and wait.</summary>
    private static async Task<(HttpClient Provider, Guid OfferingId, Guid SessionId)> FreshSessionAsync(MarketplaceFactory factory, int capacity)
    {
        var provider = await factory.ClientForAsync("provider1");
        var body = new
        {
            title = "校园定向越野", summary = "地图识读与团队协作", category = "Sports", mode = "OnCampus", grades = AllGrades,
            minGroup = 1, maxGroup = 40, durationMinutes = 90, priceFen = 500, districts = new[] { "110101", "110102", "110105", "110108" },
            cancellationCutoffHours = 24,
        };
        var id = (await (await provider.PostJsonAsync("/api/offerings", body)).AssertStatusAsync(201))["id"]!.GetValue<Guid>();
        (await provider.PostJsonAsync($"/api/offerings/{id}/submit", null)).EnsureSuccessStatusCode();
        (await (await factory.ClientForAsync("bureau-110105")).PostJsonAsync($"/api/offerings/{id}/approve", null)).EnsureSuccessStatusCode();
        var start = DateTimeOffset.UtcNow.AddHours(72);
        var sessions = (await (await provider.PostJsonAsync($"/api/offerings/{id}/sessions", new { startsAt = start, endsAt = start.AddHours(1.5), capacity })).ReadJsonAsync()).AsArray();
        return (provider, id, sessions[0]!["id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task TwentyParallelCancels_WithTenWaitingGroups_HoldInQueueOrder_AndNeverOversell()
    {
        using var factory = new MarketplaceFactory();
        var (provider, offeringId, sessionId) = await FreshSessionAsync(factory, 20);
        var schools = await Task.WhenAll(Schools.Select(i => factory.ClientForAsync($"school{i}")));
        var bookings = new List<(HttpClient School, Guid Id)>();
        for (var i = 0; i < 20; i++)
            bookings.Add((schools[i % 10], await WaitlistTests.BookAsync(schools[i % 10], sessionId, 1, $"wl-storm-book-{i:D2}", AllGrades)));
        var entries = new List<Guid>();
        foreach (var school in schools) // in queue order: each group of 3 waits behind the previous one
            entries.Add((await (await WaitlistTests.JoinAsync(school, sessionId, 3, AllGrades)).AssertStatusAsync(201))["id"]!.GetValue<Guid>());

        var cancels = await Task.WhenAll(bookings.Select(b => b.School.PostJsonAsync($"/api/bookings/{b.Id}/cancel", new { reason = "并发取消" })));

        Assert.All(cancels, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        // 20 seats freed: the first six groups of 3 are held (18 seats), 2 seats stay free, the last four wait in order.
        var list = (await provider.GetJsonAsync($"/api/sessions/{sessionId}/waitlist")).AsArray();
        Assert.Equal(entries, list.Select(e => e!["id"]!.GetValue<Guid>()));
        Assert.Equal(Enumerable.Repeat("Held", 6).Concat(Enumerable.Repeat("Waiting", 4)), list.Select(e => e!["status"]!.GetValue<string>()));
        Assert.Equal([1, 2, 3, 4], list.Skip(6).Select(e => e!["position"]!.GetValue<int>()));
        Assert.Equal(18, await WaitlistTests.AssertLedgerAsync(provider, offeringId, sessionId));
        Assert.Equal(2, (await WaitlistTests.SessionAsync(provider, offeringId, sessionId))["freeSeats"]!.GetValue<int>());
    }

    [Fact]
    public async Task AcceptRacingTheLapse_ExactlyOneWins_PerEntry()
    {
        using var factory = new MarketplaceFactory(new Dictionary<string, string?>
        {
            ["Marketplace:Waitlist:HoldDuration"] = "00:00:01", ["Marketplace:BookingExpirySweep"] = "00:00:00.050",
        });
        var (provider, offeringId, sessionId) = await FreshSessionAsync(factory, 16);
        var holder = await factory.ClientForAsync("school1");
        var booked = new List<Guid>();
        for (var i = 0; i < 8; i++) booked.Add(await WaitlistTests.BookAsync(holder, sessionId, 2, $"wl-race-book-{i:D2}", AllGrades));
        var waiting = await Task.WhenAll(Schools.Skip(1).Take(8).Select(i => factory.ClientForAsync($"school{i}")));
        var entries = new List<Guid>();
        foreach (var school in waiting)
            entries.Add((await (await WaitlistTests.JoinAsync(school, sessionId, 2, AllGrades)).AssertStatusAsync(201))["id"]!.GetValue<Guid>());

        await Task.WhenAll(booked.Select(id => holder.PostJsonAsync($"/api/bookings/{id}/cancel", null)));
        var held = await Task.WhenAll(entries.Select((id, i) => WaitlistTests.EntryAsync(waiting[i], sessionId, id)));
        Assert.All(held, e => Assert.Equal("Held", e["status"]!.GetValue<string>()));

        // Each school accepts twice at once, near the end of its hold, while the 50 ms sweep lapses what has run out.
        var until = held.Select(e => e["heldUntil"]!.GetValue<DateTimeOffset>()).ToArray();
        var attempts = await Task.WhenAll(entries.Select(async (id, i) =>
        {
            var wait = until[i] - DateTimeOffset.UtcNow - TimeSpan.FromMilliseconds(40 * (i % 4));
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            var url = $"/api/sessions/{sessionId}/waitlist/{id}/accept";
            return await Task.WhenAll(waiting[i].PostJsonAsync(url, null), waiting[i].PostJsonAsync(url, null));
        }));

        for (var i = 0; i < entries.Count; i++)
        {
            var codes = attempts[i].Select(r => (int)r.StatusCode).Order().ToArray();
            var entry = await BookingTests.WaitForAsync(async () =>
            {
                var e = await WaitlistTests.EntryAsync(waiting[i], sessionId, entries[i]);
                return e["status"]!.GetValue<string>() is "Accepted" or "Lapsed" ? e : null;
            }, TimeSpan.FromSeconds(10));
            if (entry["status"]!.GetValue<string>() == "Accepted")
            {
                // One made the booking; the other, having lost on the entry's version, answered with that booking.
                Assert.Equal([200, 201], codes);
                var mine = (await waiting[i].GetJsonAsync($"/api/bookings?offeringId={offeringId}")).AsArray();
                Assert.Equal(entry["bookingId"]!.GetValue<Guid>(), Assert.Single(mine)!["id"]!.GetValue<Guid>());
            }
            else
            {
                Assert.All(attempts[i], r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
                Assert.Empty((await waiting[i].GetJsonAsync($"/api/bookings?offeringId={offeringId}")).AsArray());
            }
        }
        await WaitlistTests.AssertLedgerAsync(provider, offeringId, sessionId);
    }
}
