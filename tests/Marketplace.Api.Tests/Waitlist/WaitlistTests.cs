using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Waitlist;

/// <summary>
/// The waiting list over HTTP: join only when full; seats a release frees are held for the first group that fits in the
/// release's own commit (cancel, decline, expiry, leave, lapse); accept turns the hold into a booking without a seat change.
/// After each step the seat ledger holds: reserved = pupils of live bookings + pupils of held entries.
/// </summary>
public class WaitlistTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    internal static Task<HttpResponseMessage> JoinAsync(HttpClient school, Guid sessionId, int pupils, int[]? grades = null, string contactName = "王老师") =>
        school.PostJsonAsync($"/api/sessions/{sessionId}/waitlist", new { pupils, grades = grades ?? [3], contactName, contactPhone = "13800002222" });

    internal static async Task<Guid> BookAsync(HttpClient school, Guid sessionId, int pupils, string key, int[]? grades = null) =>
        (await (await school.SendAsync(BookingTests.Book(sessionId, pupils, grades ?? [3], key))).AssertStatusAsync(201))["id"]!.GetValue<Guid>();

    internal static async Task<JsonNode> EntryAsync(HttpClient client, Guid sessionId, Guid entryId) =>
        (await client.GetJsonAsync($"/api/sessions/{sessionId}/waitlist")).AsArray().Single(e => e!["id"]!.GetValue<Guid>() == entryId)!;

    internal static async Task<JsonNode> SessionAsync(HttpClient provider, Guid offeringId, Guid sessionId) =>
        (await provider.GetJsonAsync($"/api/offerings/{offeringId}/sessions")).AsArray().Single(s => s!["id"]!.GetValue<Guid>() == sessionId)!;

    /// <summary>Reserved = Σ pupils of live bookings + Σ pupils of held entries; returns the reserved count.</summary>
    internal static async Task<int> AssertLedgerAsync(HttpClient provider, Guid offeringId, Guid sessionId)
    {
        var session = await SessionAsync(provider, offeringId, sessionId);
        var bookings = (await provider.GetJsonAsync($"/api/bookings?offeringId={offeringId}&limit=500")).AsArray()
            .Where(b => b!["sessionId"]!.GetValue<Guid>() == sessionId && b["status"]!.GetValue<string>() is "Requested" or "Confirmed")
            .Sum(b => b!["pupils"]!.GetValue<int>());
        var held = (await provider.GetJsonAsync($"/api/sessions/{sessionId}/waitlist")).AsArray()
            .Where(e => e!["status"]!.GetValue<string>() == "Held").Sum(e => e!["pupils"]!.GetValue<int>());
        var reserved = session["reserved"]!.GetValue<int>();
        Assert.Equal(bookings + held, reserved);
        Assert.True(reserved <= session["capacity"]!.GetValue<int>(), $"reserved {reserved} above capacity");
        return reserved;
    }

    [Fact]
    public async Task Join_OnlyWhenTheGroupDoesNotFit_OnePerSchool()
    {
        var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 10);
        var (school1, school2, school3) = (await factory.ClientForAsync("school1"), await factory.ClientForAsync("school2"), await factory.ClientForAsync("school3"));
        await BookAsync(school1, sessionId, 6, "wl-join-book-01");

        var free = await (await JoinAsync(school2, sessionId, 3)).AssertProblemAsync(409);
        Assert.Equal("waitlist-seats-free", free["code"]!.GetValue<string>());
        Assert.Equal(4, free["seatsLeft"]!.GetValue<int>());
        await (await JoinAsync(school2, sessionId, 0)).AssertProblemAsync(400, "pupils");
        await (await JoinAsync(school2, sessionId, 5, [])).AssertProblemAsync(400, "grades");
        await (await JoinAsync(provider, sessionId, 5)).AssertProblemAsync(403);
        await (await JoinAsync(school2, Guid.NewGuid(), 5)).AssertProblemAsync(404);

        var joined = await (await JoinAsync(school2, sessionId, 5)).AssertStatusAsync(201);
        var id = joined["id"]!.GetValue<Guid>();
        Assert.Equal("Waiting", joined["status"]!.GetValue<string>());
        Assert.Equal(1, joined["position"]!.GetValue<int>());
        Assert.Null(joined["heldUntil"]);

        var again = await (await JoinAsync(school2, sessionId, 5)).AssertStatusAsync(200);
        Assert.Equal(id, again["id"]!.GetValue<Guid>());
        var other = await (await JoinAsync(school2, sessionId, 7)).AssertProblemAsync(409);
        Assert.Equal("waitlist-duplicate", other["code"]!.GetValue<string>());

        var second = await (await JoinAsync(school3, sessionId, 6)).AssertStatusAsync(201);
        Assert.Equal(2, second["position"]!.GetValue<int>());
        Assert.Equal(2, (await provider.GetJsonAsync($"/api/sessions/{sessionId}/waitlist")).AsArray().Count);
        var own = (await school2.GetJsonAsync($"/api/sessions/{sessionId}/waitlist")).AsArray();
        Assert.Equal(id, Assert.Single(own)!["id"]!.GetValue<Guid>());
        Assert.Equal(6, await AssertLedgerAsync(provider, offeringId, sessionId)); // joining reserves nothing
    }

    [Fact]
    public async Task Cancel_HoldsTheFirstGroupThatFits_InTheSameCommit_AndAcceptBooksWithoutASeatChange()
    {
        var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 10);
        var (school1, school2, school3, school4) = (await factory.ClientForAsync("school1"), await factory.ClientForAsync("school2"),
            await factory.ClientForAsync("school3"), await factory.ClientForAsync("school4"));
        var small = await BookAsync(school1, sessionId, 4, "wl-hold-book-01");
        await BookAsync(school4, sessionId, 6, "wl-hold-book-02");
        var big = (await (await JoinAsync(school2, sessionId, 8)).AssertStatusAsync(201))["id"]!.GetValue<Guid>();
        var fits = (await (await JoinAsync(school3, sessionId, 3)).AssertStatusAsync(201))["id"]!.GetValue<Guid>();

        (await school1.PostJsonAsync($"/api/bookings/{small}/cancel", new { reason = "改期" })).EnsureSuccessStatusCode();

        // No sweep ran: the hold was committed with the cancel. The group of 8 does not fit the 4 seats; the group of 3 does.
        var held = await EntryAsync(school3, sessionId, fits);
        Assert.Equal("Held", held["status"]!.GetValue<string>());
        Assert.True(held["heldUntil"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddHours(11));
        var waiting = await EntryAsync(school2, sessionId, big);
        Assert.Equal("Waiting", waiting["status"]!.GetValue<string>());
        Assert.Equal(1, waiting["position"]!.GetValue<int>());
        Assert.Equal(9, await AssertLedgerAsync(provider, offeringId, sessionId));
        Assert.Equal(1, (await SessionAsync(provider, offeringId, sessionId))["freeSeats"]!.GetValue<int>());

        var accepted = await (await school3.PostJsonAsync($"/api/sessions/{sessionId}/waitlist/{fits}/accept", null)).AssertStatusAsync(201);
        var bookingId = accepted["id"]!.GetValue<Guid>();
        Assert.Equal("Requested", accepted["status"]!.GetValue<string>());
        Assert.Equal(3, accepted["pupils"]!.GetValue<int>());
        Assert.Equal(9, await AssertLedgerAsync(provider, offeringId, sessionId)); // the held seats passed to the booking
        var repeat = await (await school3.PostJsonAsync($"/api/sessions/{sessionId}/waitlist/{fits}/accept", null)).AssertStatusAsync(200);
        Assert.Equal(bookingId, repeat["id"]!.GetValue<Guid>());
        var done = await EntryAsync(school3, sessionId, fits);
        Assert.Equal("Accepted", done["status"]!.GetValue<string>());
        Assert.Equal(bookingId, done["bookingId"]!.GetValue<Guid>());
        await (await school2.PostJsonAsync($"/api/sessions/{sessionId}/waitlist/{big}/accept", null)).AssertProblemAsync(409); // not held
        await (await school2.PostJsonAsync($"/api/sessions/{sessionId}/waitlist/{fits}/accept", null)).AssertProblemAsync(404); // not its entry
    }

    [Fact]
    public async Task Decline_HoldsForTheWaitingGroup()
    {
        var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 5);
        var (school1, school2) = (await factory.ClientForAsync("school1"), await factory.ClientForAsync("school2"));
        var booking = await BookAsync(school1, sessionId, 5, "wl-decline-book");
        var entry = (await (await JoinAsync(school2, sessionId, 5)).AssertStatusAsync(201))["id"]!.GetValue<Guid>();

        (await provider.PostJsonAsync($"/api/bookings/{booking}/decline", new { reason = "人数已满" })).EnsureSuccessStatusCode();

        Assert.Equal("Held", (await EntryAsync(school2, sessionId, entry))["status"]!.GetValue<string>());
        Assert.Equal(5, await AssertLedgerAsync(provider, offeringId, sessionId));
    }

    [Fact]
    public async Task Leave_PassesHeldSeatsOn_AndIsRepeatable()
    {
        var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 6);
        var (school1, school2, school3) = (await factory.ClientForAsync("school1"), await factory.ClientForAsync("school2"), await factory.ClientForAsync("school3"));
        var booking = await BookAsync(school1, sessionId, 6, "wl-leave-book-1");
        var first = (await (await JoinAsync(school2, sessionId, 6)).AssertStatusAsync(201))["id"]!.GetValue<Guid>();
        var next = (await (await JoinAsync(school3, sessionId, 6)).AssertStatusAsync(201))["id"]!.GetValue<Guid>();
        (await school1.PostJsonAsync($"/api/bookings/{booking}/cancel", null)).EnsureSuccessStatusCode();
        Assert.Equal("Held", (await EntryAsync(school2, sessionId, first))["status"]!.GetValue<string>());

        await (await school3.DeleteAsync($"/api/sessions/{sessionId}/waitlist/{first}")).AssertProblemAsync(404);
        Assert.Equal(HttpStatusCode.NoContent, (await school2.DeleteAsync($"/api/sessions/{sessionId}/waitlist/{first}")).StatusCode);
        Assert.Equal("Left", (await EntryAsync(school2, sessionId, first))["status"]!.GetValue<string>());
        Assert.Equal("Held", (await EntryAsync(school3, sessionId, next))["status"]!.GetValue<string>());
        Assert.Equal(6, await AssertLedgerAsync(provider, offeringId, sessionId));
        Assert.Equal(HttpStatusCode.NoContent, (await school2.DeleteAsync($"/api/sessions/{sessionId}/waitlist/{first}")).StatusCode);

        // Left, the school may join again: its old entry no longer holds the one-live-entry-per-school key.
        var again = await (await JoinAsync(school2, sessionId, 6)).AssertStatusAsync(201);
        Assert.NotEqual(first, again["id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task CancellingTheSession_CancelsItsWaitingList_AndReleasesHeldSeats()
    {
        var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 4);
        var (school1, school2, school3) = (await factory.ClientForAsync("school1"), await factory.ClientForAsync("school2"), await factory.ClientForAsync("school3"));
        var booking = await BookAsync(school1, sessionId, 4, "wl-sesscancel-1");
        var first = (await (await JoinAsync(school2, sessionId, 4)).AssertStatusAsync(201))["id"]!.GetValue<Guid>();
        var second = (await (await JoinAsync(school3, sessionId, 4)).AssertStatusAsync(201))["id"]!.GetValue<Guid>();
        (await school1.PostJsonAsync($"/api/bookings/{booking}/cancel", null)).EnsureSuccessStatusCode();
        Assert.Equal("Held", (await EntryAsync(school2, sessionId, first))["status"]!.GetValue<string>());

        (await provider.PostJsonAsync($"/api/offerings/{offeringId}/sessions/{sessionId}/cancel", new { reason = "场地维修" })).EnsureSuccessStatusCode();

        foreach (var (school, id) in new[] { (school2, first), (school3, second) })
        {
            var entry = await EntryAsync(school, sessionId, id);
            Assert.Equal("Cancelled", entry["status"]!.GetValue<string>());
            Assert.Equal("session-cancelled", entry["history"]!.AsArray()[^1]!["cause"]!.GetValue<string>());
        }
        Assert.Equal(0, await AssertLedgerAsync(provider, offeringId, sessionId));
    }

    /// <summary>A series declined releases its seats through the promotion too, and a hold ends where bookings close: the
    /// offering's lead time (2 h on campus) before the start, when that comes before the hold duration runs out.</summary>
    [Fact]
    public async Task ASeriesDecline_HoldsForTheWaitingGroup_UntilTheLeadTimeBeforeTheStart()
    {
        var (provider, offeringId, sessions) = await BookingSeriesTests.OfferingWithSessionsAsync(factory, 2, 10, firstHoursAhead: 6);
        var (school1, school2) = (await factory.ClientForAsync("school1"), await factory.ClientForAsync("school2"));
        var series = await (await school1.SendAsync(BookingSeriesTests.Series(BookingSeriesTests.IdsBody(offeringId, sessions.Select(x => x.Id), 10), "wl-series-0001")))
            .AssertStatusAsync(201);
        var entry = (await (await JoinAsync(school2, sessions[0].Id, 4)).AssertStatusAsync(201))["id"]!.GetValue<Guid>();

        (await provider.PostJsonAsync($"/api/booking-series/{series["id"]}/decline", new { reason = "场地检修" })).EnsureSuccessStatusCode();

        var held = await EntryAsync(school2, sessions[0].Id, entry);
        Assert.Equal("Held", held["status"]!.GetValue<string>());
        Assert.Equal(sessions[0].StartsAt.AddHours(-2), held["heldUntil"]!.GetValue<DateTimeOffset>());
        Assert.Equal(4, await AssertLedgerAsync(provider, offeringId, sessions[0].Id));
    }
}

/// <summary>The sweeps with short windows: a lapsed hold passes to the next group; an expired request's seats are held for the waiting group.</summary>
public class WaitlistSweepTests
{
    [Fact]
    public async Task LapsedHold_PassesToTheNextGroup_AndCannotBeAccepted()
    {
        using var factory = new MarketplaceFactory(new Dictionary<string, string?>
        {
            ["Marketplace:Waitlist:HoldDuration"] = "00:00:01", ["Marketplace:BookingExpirySweep"] = "00:00:00.200",
        });
        var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 10);
        var (school1, school2, school3, school4) = (await factory.ClientForAsync("school1"), await factory.ClientForAsync("school2"),
            await factory.ClientForAsync("school3"), await factory.ClientForAsync("school4"));
        var freed = await WaitlistTests.BookAsync(school1, sessionId, 6, "wl-lapse-book-1");
        await WaitlistTests.BookAsync(school4, sessionId, 4, "wl-lapse-book-2");
        var first = (await (await WaitlistTests.JoinAsync(school2, sessionId, 6)).AssertStatusAsync(201))["id"]!.GetValue<Guid>();
        var next = (await (await WaitlistTests.JoinAsync(school3, sessionId, 6)).AssertStatusAsync(201))["id"]!.GetValue<Guid>();
        (await school1.PostJsonAsync($"/api/bookings/{freed}/cancel", null)).EnsureSuccessStatusCode();
        Assert.Equal("Held", (await WaitlistTests.EntryAsync(school2, sessionId, first))["status"]!.GetValue<string>());

        var lapsed = await BookingTests.WaitForAsync(async () =>
        {
            var e = await WaitlistTests.EntryAsync(school2, sessionId, first);
            return e["status"]!.GetValue<string>() == "Lapsed" ? e : null;
        }, TimeSpan.FromSeconds(10));
        Assert.Equal("hold-expired", lapsed["history"]!.AsArray()[^1]!["cause"]!.GetValue<string>());
        var refused = await (await school2.PostJsonAsync($"/api/sessions/{sessionId}/waitlist/{first}/accept", null)).AssertProblemAsync(409);
        Assert.Equal("waitlist-hold-expired", refused["code"]!.GetValue<string>());
        // The lapse's own commit held the seats for the next group (which may itself have lapsed since: 1 s holds).
        Assert.Contains((await WaitlistTests.EntryAsync(school3, sessionId, next))["status"]!.GetValue<string>(), new[] { "Held", "Lapsed" });
        Assert.Equal("Held", (await WaitlistTests.EntryAsync(school3, sessionId, next))["history"]!.AsArray()[1]!["status"]!.GetValue<string>());
        await WaitlistTests.AssertLedgerAsync(provider, offeringId, sessionId);
    }

    [Fact]
    public async Task AcceptAfterTheHoldRanOut_BeforeTheSweep_LapsesIt_AndPassesTheSeatsOn()
    {
        // The sweep is an hour away: the late accept itself lapses the entry (against the version it read) and holds the
        // seats for the next group in the same commit, rather than answering 409 over an entry still marked Held.
        using var factory = new MarketplaceFactory(new Dictionary<string, string?>
        {
            ["Marketplace:Waitlist:HoldDuration"] = "00:00:01", ["Marketplace:BookingExpirySweep"] = "01:00:00",
        });
        var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 6);
        var (school1, school2, school3) = (await factory.ClientForAsync("school1"), await factory.ClientForAsync("school2"),
            await factory.ClientForAsync("school3"));
        var freed = await WaitlistTests.BookAsync(school1, sessionId, 6, "wl-late-accept-book");
        var first = (await (await WaitlistTests.JoinAsync(school2, sessionId, 6)).AssertStatusAsync(201))["id"]!.GetValue<Guid>();
        var next = (await (await WaitlistTests.JoinAsync(school3, sessionId, 6)).AssertStatusAsync(201))["id"]!.GetValue<Guid>();
        (await school1.PostJsonAsync($"/api/bookings/{freed}/cancel", null)).EnsureSuccessStatusCode();
        var heldUntil = (await WaitlistTests.EntryAsync(school2, sessionId, first))["heldUntil"]!.GetValue<DateTimeOffset>();
        await Task.Delay(heldUntil - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(100));

        var refused = await (await school2.PostJsonAsync($"/api/sessions/{sessionId}/waitlist/{first}/accept", null)).AssertProblemAsync(409);

        Assert.Equal("waitlist-hold-expired", refused["code"]!.GetValue<string>());
        var lapsed = await WaitlistTests.EntryAsync(school2, sessionId, first);
        Assert.Equal("Lapsed", lapsed["status"]!.GetValue<string>());
        Assert.Equal("hold-expired", lapsed["history"]!.AsArray()[^1]!["cause"]!.GetValue<string>());
        Assert.Equal("Held", (await WaitlistTests.EntryAsync(school3, sessionId, next))["status"]!.GetValue<string>());
        Assert.Empty((await school2.GetJsonAsync($"/api/bookings?offeringId={offeringId}")).AsArray());
        Assert.Equal(6, await WaitlistTests.AssertLedgerAsync(provider, offeringId, sessionId));
    }

    [Fact]
    public async Task ExpiredRequest_ItsSeatsAreHeldForTheWaitingGroup()
    {
        using var factory = new MarketplaceFactory(new Dictionary<string, string?>
        {
            ["Marketplace:BookingResponseWindow"] = "00:00:01", ["Marketplace:BookingExpirySweep"] = "00:00:00.200",
        });
        var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 5);
        var (school1, school2) = (await factory.ClientForAsync("school1"), await factory.ClientForAsync("school2"));
        await WaitlistTests.BookAsync(school1, sessionId, 5, "wl-expiry-book-1");
        var entry = (await (await WaitlistTests.JoinAsync(school2, sessionId, 5)).AssertStatusAsync(201))["id"]!.GetValue<Guid>();

        await BookingTests.WaitForAsync(async () =>
        {
            var e = await WaitlistTests.EntryAsync(school2, sessionId, entry);
            return e["status"]!.GetValue<string>() == "Held" ? e : null;
        }, TimeSpan.FromSeconds(10));
        Assert.Equal(5, await WaitlistTests.AssertLedgerAsync(provider, offeringId, sessionId));
    }
}
