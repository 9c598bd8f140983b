using System.Net.Http.Json;
using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests;

public class BookingTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    internal static HttpRequestMessage Book(Guid sessionId, int pupils, int[] grades, string? key, string note = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
        {
            Content = JsonContent.Create(new { sessionId, pupils, grades, contactName = "李老师", contactPhone = "13900001111", note }),
        };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    /// <summary>A fresh published on-campus offering of provider1 serving all demo Beijing districts, with one session.</summary>
    internal static async Task<(HttpClient Provider, Guid OfferingId, Guid SessionId)> FreshSessionAsync(MarketplaceFactory factory, int capacity, long priceFen = 500, int hoursAhead = 72)
    {
        var provider = await factory.ClientForAsync("provider1");
        var body = new
        {
            title = "校园足球训练营", summary = "基础技术与团队配合", category = "Sports", mode = "OnCampus", grades = new[] { 1, 2, 3, 4, 5, 6 },
            minGroup = 1, maxGroup = 40, durationMinutes = 90, priceFen, districts = new[] { "110101", "110102", "110105", "110108", "330102", "330105", "330106", "330108", "510104", "510105", "510107", "510108" },
            cancellationCutoffHours = 24,
        };
        var offering = await (await provider.PostJsonAsync("/api/offerings", body)).ReadJsonAsync();
        var id = offering["id"]!.GetValue<Guid>();
        await provider.PostJsonAsync($"/api/offerings/{id}/submit", null);
        (await (await factory.ClientForAsync("bureau-110105")).PostJsonAsync($"/api/offerings/{id}/approve", null)).EnsureSuccessStatusCode();
        // Moved off a public holiday by whole days (Demo.SchoolDay). A test that needs a session within hours (lead time,
        // cut-off) cannot run on a holiday itself either way.
        var start = Demo.SchoolDay(DateTimeOffset.UtcNow.AddHours(hoursAhead));
        var sessions = (await (await provider.PostJsonAsync($"/api/offerings/{id}/sessions", new { startsAt = start, endsAt = start.AddHours(1.5), capacity })).ReadJsonAsync()).AsArray();
        return (provider, id, sessions[0]!["id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task Book_ReservesSeats_AndQuotesTheCurrentPrice()
    {
        var (provider, offeringId, sessionId) = await FreshSessionAsync(factory, 30, priceFen: 800);
        var school = await factory.ClientForAsync("school1");
        var response = await school.SendAsync(Book(sessionId, 12, [3, 4], "quote-test-0001"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var booking = await response.ReadJsonAsync();
        Assert.Equal("Requested", booking["status"]!.GetValue<string>());
        Assert.Equal(800, booking["quote"]!["unitPriceFen"]!.GetValue<long>());
        Assert.Equal(9600, booking["quote"]!["totalFen"]!.GetValue<long>());
        Assert.Equal(offeringId, booking["offeringId"]!.GetValue<Guid>());
        var session = (await provider.GetJsonAsync($"/api/offerings/{offeringId}/sessions")).AsArray()[0]!;
        Assert.Equal(18, session["freeSeats"]!.GetValue<int>());
    }

    [Fact]
    public async Task HundredsOfParallelBookings_NeverOversell()
    {
        const int capacity = 30;
        var (provider, offeringId, sessionId) = await FreshSessionAsync(factory, capacity);
        var schools = await Task.WhenAll(new[] { 1, 2, 3, 4, 15, 13, 14, 16, 26, 25 }.Select(i => factory.ClientForAsync($"school{i}"))); // Beijing, where provider1 is approved
        var grades = new Dictionary<int, int[]>();
        foreach (var i in Enumerable.Range(0, 10)) grades[i] = i % 5 == 4 ? [] : [3];
        var attempts = Enumerable.Range(0, 300).Where(i => grades[i % 10].Length > 0)
            .Select(i => schools[i % 10].SendAsync(Book(sessionId, 1 + i % 2, grades[i % 10], $"storm-{i:D4}-key"))).ToArray();
        var results = await Task.WhenAll(attempts);

        var created = results.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        var refused = results.Where(r => r.StatusCode == HttpStatusCode.Conflict).ToList();
        Assert.Equal(results.Length, created.Count + refused.Count);
        var booked = 0;
        foreach (var r in created) booked += (await r.ReadJsonAsync())["pupils"]!.GetValue<int>();
        Assert.InRange(booked, capacity - 1, capacity);
        var problem = await refused[0].ReadJsonAsync();
        Assert.Equal("seats-unavailable", problem["code"]!.GetValue<string>());
        Assert.InRange(problem["seatsLeft"]!.GetValue<int>(), 0, 1);
        var session = (await provider.GetJsonAsync($"/api/offerings/{offeringId}/sessions")).AsArray()[0]!;
        Assert.Equal(booked, session["reserved"]!.GetValue<int>());
        var all = (await provider.GetJsonAsync($"/api/bookings?offeringId={offeringId}")).AsArray();
        Assert.Equal(booked, all.Sum(b => b!["pupils"]!.GetValue<int>()));
    }

    [Fact]
    public async Task SameKeySameBody_ReplaysTheSameResponse_EvenInParallel()
    {
        var (provider, offeringId, sessionId) = await FreshSessionAsync(factory, 30);
        var school = await factory.ClientForAsync("school2");
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => school.SendAsync(Book(sessionId, 5, [2], "retry-key-000001"))));
        Assert.All(results, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var bodies = await Task.WhenAll(results.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Single(bodies.Distinct());
        Assert.Single((await provider.GetJsonAsync($"/api/bookings?offeringId={offeringId}")).AsArray());
        Assert.Equal(25, (await provider.GetJsonAsync($"/api/offerings/{offeringId}/sessions")).AsArray()[0]!["freeSeats"]!.GetValue<int>());
    }

    /// <summary>
    /// The retry of a booking that takes the last seats must not lose to its own original: the retry finds the seats
    /// taken, yet answers with the original's 201 (same body) or 422 (other body), never 409.
    /// </summary>
    [Fact]
    public async Task SameKey_InParallel_OnTheLastSeats_ReplaysOr422_NeverSeatsUnavailable()
    {
        var school = await factory.ClientForAsync("school2");
        for (var round = 0; round < 5; round++)
        {
            var (_, _, sessionId) = await FreshSessionAsync(factory, 5);
            var key = $"last-seats-key-{round:D2}";
            var same = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => school.SendAsync(Book(sessionId, 5, [2], key))));
            Assert.All(same, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
            Assert.Single((await Task.WhenAll(same.Select(r => r.Content.ReadAsStringAsync()))).Distinct());

            var (_, _, other) = await FreshSessionAsync(factory, 5);
            var otherKey = $"last-seats-diff-{round:D2}";
            var mixed = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => school.SendAsync(Book(other, 5 - i % 2, [2], otherKey))));
            Assert.All(mixed, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.UnprocessableEntity,
                $"a concurrent request with the same key got {(int)r.StatusCode}"));
            var created = mixed.Where(r => r.StatusCode == HttpStatusCode.Created).ToArray();
            Assert.NotEmpty(created); // the winner, and the requests with its body (replays)
            Assert.Single((await Task.WhenAll(created.Select(r => r.Content.ReadAsStringAsync()))).Distinct());
        }
    }

    [Fact]
    public async Task SameKeyDifferentBody_Is422_AndMissingKeyIs400()
    {
        var (_, _, sessionId) = await FreshSessionAsync(factory, 30);
        var school = await factory.ClientForAsync("school3");
        Assert.Equal(HttpStatusCode.Created, (await school.SendAsync(Book(sessionId, 5, [2], "reused-key-00001"))).StatusCode);
        await (await school.SendAsync(Book(sessionId, 6, [2], "reused-key-00001"))).AssertProblemAsync(422);
        await (await school.SendAsync(Book(sessionId, 6, [2], null))).AssertProblemAsync(400, "Idempotency-Key");
    }

    [Fact]
    public async Task Refusals_NameTheRule()
    {
        var (provider, offeringId, sessionId) = await FreshSessionAsync(factory, 30);
        var school = await factory.ClientForAsync("school4");
        await (await school.SendAsync(Book(sessionId, 5, [8], "grade-refusal-1"))).AssertProblemAsync(400, "grades");
        await (await school.SendAsync(Book(sessionId, 5000, [3], "pupils-refusal-1"))).AssertProblemAsync(400, "pupils");
        await (await school.SendAsync(Book(sessionId, 0, [3], "zero-refusal-01"))).AssertProblemAsync(400, "pupils");
        var (_, _, roomy) = await FreshSessionAsync(factory, 100); // seats enough: the offering's maxGroup (40) refuses
        var tooBig = await (await school.SendAsync(Book(roomy, 41, [3], "maxgroup-refusal"))).AssertProblemAsync(400, "pupils");
        Assert.Equal("booking.max-group", tooBig["codes"]!["pupils"]![0]!.GetValue<string>());
        Assert.Contains("最大组班人数", tooBig["errors"]!["pupils"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await school.SendAsync(Book(roomy, 40, [3], "maxgroup-exactly"))).StatusCode);
        await (await school.SendAsync(Book(Guid.NewGuid(), 5, [3], "missing-session"))).AssertProblemAsync(404);
        await provider.PostJsonAsync($"/api/offerings/{offeringId}/sessions/{sessionId}/cancel", new { reason = "场馆检修" });
        Assert.Equal("session-cancelled", (await (await school.SendAsync(Book(sessionId, 5, [3], "cancelled-sess-1"))).AssertProblemAsync(409))["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await provider.SendAsync(Book(sessionId, 5, [3], "provider-books-1"))).StatusCode);
    }

    [Fact]
    public async Task Lifecycle_ConfirmThenComplete_AndIllegalTransitionsAre409()
    {
        var (provider, offeringId, sessionId) = await FreshSessionAsync(factory, 30, hoursAhead: 72);
        var school = await factory.ClientForAsync("school13");
        var id = (await (await school.SendAsync(Book(sessionId, 10, [4], "lifecycle-key-01"))).ReadJsonAsync())["id"]!.GetValue<Guid>();

        await (await provider.PostJsonAsync($"/api/bookings/{id}/complete", new { attended = 9 })).AssertProblemAsync(409);
        var confirmed = await (await provider.PostJsonAsync($"/api/bookings/{id}/confirm", null)).ReadJsonAsync();
        Assert.Equal("Confirmed", confirmed["status"]!.GetValue<string>());
        await (await provider.PostJsonAsync($"/api/bookings/{id}/confirm", null)).AssertProblemAsync(409);
        await (await provider.PostJsonAsync($"/api/bookings/{id}/decline", new { reason = "满员" })).AssertProblemAsync(409);
        Assert.Equal(HttpStatusCode.Forbidden, (await school.PostJsonAsync($"/api/bookings/{id}/confirm", null)).StatusCode);
        // The session has not happened yet: completion is refused.
        Assert.Equal("booking-not-delivered", (await (await provider.PostJsonAsync($"/api/bookings/{id}/complete", new { attended = 9 })).AssertProblemAsync(409))["code"]!.GetValue<string>());
        var history = (await school.GetJsonAsync($"/api/bookings/{id}"))["history"]!.AsArray();
        Assert.Equal(["Requested", "Confirmed"], history.Select(h => h!["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Decline_And_Cancel_ReleaseSeats()
    {
        var (provider, offeringId, sessionId) = await FreshSessionAsync(factory, 20);
        var school = await factory.ClientForAsync("school26");
        var first = (await (await school.SendAsync(Book(sessionId, 8, [3], "release-key-0001"))).ReadJsonAsync())["id"]!.GetValue<Guid>();
        var second = (await (await school.SendAsync(Book(sessionId, 7, [3], "release-key-0002"))).ReadJsonAsync())["id"]!.GetValue<Guid>();
        await (await provider.PostJsonAsync($"/api/bookings/{first}/decline", new { })).AssertProblemAsync(400, "reason");
        Assert.Equal(HttpStatusCode.OK, (await provider.PostJsonAsync($"/api/bookings/{first}/decline", new { reason = "该时段教练外出比赛" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await school.PostJsonAsync($"/api/bookings/{second}/cancel", new { reason = "学校活动调整" })).StatusCode);
        Assert.Equal(20, (await provider.GetJsonAsync($"/api/offerings/{offeringId}/sessions")).AsArray()[0]!["freeSeats"]!.GetValue<int>());
        await (await school.PostJsonAsync($"/api/bookings/{second}/cancel", null)).AssertProblemAsync(409);
    }

    /// <summary>A confirmed booking past the cut-off; an unconfirmed one the school may always withdraw (issue 13, BookingRuleTests).</summary>
    [Fact]
    public async Task School_CannotCancelAfterTheCutOff()
    {
        var (provider, _, sessionId) = await FreshSessionAsync(factory, 20, hoursAhead: 12); // cut-off is 24 h before
        var school = await factory.ClientForAsync("school27");
        var id = (await (await school.SendAsync(Book(sessionId, 4, [3], "cutoff-key-00001"))).ReadJsonAsync())["id"]!.GetValue<Guid>();
        (await provider.PostJsonAsync($"/api/bookings/{id}/confirm", null)).EnsureSuccessStatusCode();
        Assert.Equal("booking-cancel-cutoff", (await (await school.PostJsonAsync($"/api/bookings/{id}/cancel", null)).AssertProblemAsync(409))["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task OtherSchoolsAndProviders_CannotReadOrActOnABooking()
    {
        var (_, _, sessionId) = await FreshSessionAsync(factory, 20);
        var owner = await factory.ClientForAsync("school28");
        var id = (await (await owner.SendAsync(Book(sessionId, 4, [3], "bola-key-000001"))).ReadJsonAsync())["id"]!.GetValue<Guid>();
        var otherSchool = await factory.ClientForAsync("school16");
        var otherProvider = await factory.ClientForAsync("provider2");
        Assert.Equal(HttpStatusCode.NotFound, (await otherSchool.GetAsync($"/api/bookings/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherSchool.PostJsonAsync($"/api/bookings/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherProvider.GetAsync($"/api/bookings/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherProvider.PostJsonAsync($"/api/bookings/{id}/confirm", null)).StatusCode);
        Assert.DoesNotContain((await otherSchool.GetJsonAsync("/api/bookings")).AsArray(), b => b!["id"]!.GetValue<Guid>() == id);
        Assert.Contains((await (await factory.ClientForAsync("bureau-" + (await owner.GetJsonAsync($"/api/bookings/{id}"))["districtCode"]!.GetValue<string>())).GetJsonAsync("/api/bookings")).AsArray(), b => b!["id"]!.GetValue<Guid>() == id);
    }

    [Fact]
    public async Task TheList_IsPaged_NewestFirst_WithALinkToTheNextPage()
    {
        var (_, offeringId, sessionId) = await FreshSessionAsync(factory, 30);
        var school = await factory.ClientForAsync("school14");
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
            ids.Add((await (await school.SendAsync(Book(sessionId, 1, [3], $"paged-list-key-{i}"))).ReadJsonAsync())["id"]!.GetValue<Guid>());

        var seen = new List<Guid>();
        var url = $"/api/bookings?offeringId={offeringId}&limit=2";
        for (var pages = 0; url is not null; pages++)
        {
            Assert.True(pages < 3, "three pages of 2 hold 5 bookings");
            var response = await school.GetAsync(url);
            response.EnsureSuccessStatusCode();
            seen.AddRange((await response.ReadJsonAsync()).AsArray().Select(b => b!["id"]!.GetValue<Guid>()));
            url = response.Headers.TryGetValues("Link", out var link) ? link.Single().Split('>')[0].TrimStart('<') : null;
            Assert.True(url is null || url.Contains($"offeringId={offeringId}", StringComparison.Ordinal), "the next page keeps the filters");
        }
        // Newest first by id (version-7: creation time to the millisecond), each booking exactly once across the pages.
        Assert.Equal(ids.OrderByDescending(id => id.ToString("D"), StringComparer.Ordinal), seen);

        await (await school.GetAsync("/api/bookings?limit=0")).AssertProblemAsync(400, "limit");
        await (await school.GetAsync("/api/bookings?limit=501")).AssertProblemAsync(400, "limit");
    }

    [Fact]
    public async Task CancellingASession_CancelsItsBookings_AndTellsTheSchool()
    {
        var (provider, offeringId, sessionId) = await FreshSessionAsync(factory, 20);
        var school = await factory.ClientForAsync("school14");
        var id = (await (await school.SendAsync(Book(sessionId, 4, [3], "sess-cancel-key1"))).ReadJsonAsync())["id"]!.GetValue<Guid>();
        Assert.Equal("session-has-bookings", (await (await provider.DeleteAsync($"/api/offerings/{offeringId}/sessions/{sessionId}")).AssertProblemAsync(409))["code"]!.GetValue<string>());
        await provider.PostJsonAsync($"/api/offerings/{offeringId}/sessions/{sessionId}/cancel", new { reason = "暴雨停课" });
        var booking = await school.GetJsonAsync($"/api/bookings/{id}");
        Assert.Equal("Cancelled", booking["status"]!.GetValue<string>());
        Assert.Contains("暴雨停课", booking["history"]!.AsArray()[^1]!["reason"]!.GetValue<string>());
    }

    internal static async Task<JsonNode> WaitForAsync(Func<Task<JsonNode?>> probe, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (await probe() is { } found) return found;
            await Task.Delay(50);
        }
        throw new TimeoutException("condition not met in " + timeout);
    }
}
