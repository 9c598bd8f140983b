using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Tests;

/// <summary>Series booking (issue 13): one group onto many sessions in one request, all or nothing unless allowPartial.</summary>
public class BookingSeriesTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    /// <summary>Beijing primary schools (grade 3): provider1 is approved in every Beijing district, so they reach its offerings.</summary>
    internal static readonly int[] BeijingSchools = [1, 2, 3, 4, 13, 14, 16, 26];

    internal sealed record SessionRef(Guid Id, DateTimeOffset StartsAt);

    /// <summary>
    /// A fresh published offering of provider1 serving the Beijing districts, with <paramref name="count"/> sessions on
    /// consecutive days at 15:40 Beijing from <paramref name="firstDay"/> days ahead (a day the calendar refuses is skipped).
    /// </summary>
    internal static async Task<(HttpClient Provider, Guid OfferingId, List<SessionRef> Sessions)> OfferingWithSessionsAsync(
        MarketplaceFactory factory, int count, int capacity, string mode = "OnCampus", int minGroup = 1, int? minLeadHours = null, int firstDay = 3,
        double? firstHoursAhead = null)
    {
        var provider = await factory.ClientForAsync("provider1");
        var body = new JsonObject
        {
            ["title"] = "校园足球训练营（学期班）", ["summary"] = "基础技术与团队配合", ["category"] = "Sports", ["mode"] = mode,
            ["grades"] = new JsonArray(1, 2, 3, 4, 5, 6), ["minGroup"] = minGroup, ["maxGroup"] = 40, ["durationMinutes"] = 90, ["priceFen"] = 500,
            ["districts"] = mode == "OffCampus" ? new JsonArray() : new JsonArray("110101", "110102", "110105", "110108"),
            ["cancellationCutoffHours"] = 24,
        };
        if (mode != "OnCampus") body["venue"] = new JsonObject { ["address"] = "北京市东城区体育馆路 1 号", ["lat"] = 39.8836, ["lon"] = 116.4194, ["districtCode"] = "110101" };
        if (minLeadHours is not null) body["minLeadHours"] = minLeadHours;
        var offering = await (await provider.PostJsonAsync("/api/offerings", body)).AssertStatusAsync(201);
        var id = offering["id"]!.GetValue<Guid>();
        (await provider.PostJsonAsync($"/api/offerings/{id}/submit", null)).EnsureSuccessStatusCode();
        (await (await factory.ClientForAsync("bureau-110105")).PostJsonAsync($"/api/offerings/{id}/approve", null)).EnsureSuccessStatusCode();
        var sessions = new List<SessionRef>();
        var today = ChinaTime.Today(TimeProvider.System);
        for (var day = firstDay; sessions.Count < count; day++)
        {
            var start = firstHoursAhead is { } hours && sessions.Count == 0
                ? DateTimeOffset.UtcNow.AddHours(hours)
                : ChinaTime.FromLocal(today.AddDays(day), new TimeOnly(15, 40));
            var created = await provider.PostJsonAsync($"/api/offerings/{id}/sessions", new { startsAt = start, endsAt = start.AddMinutes(90), capacity });
            if (created.StatusCode != HttpStatusCode.Created) continue; // a holiday, once the calendar refuses them
            var session = (await created.ReadJsonAsync()).AsArray()[0]!;
            sessions.Add(new SessionRef(session["id"]!.GetValue<Guid>(), session["startsAt"]!.GetValue<DateTimeOffset>()));
        }
        return (provider, id, sessions);
    }

    internal static HttpRequestMessage Series(object body, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/booking-series") { Content = JsonContent.Create(body) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    internal static string Date(DateTimeOffset at) => ChinaTime.DateOf(at).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    internal static object RangeBody(Guid offeringId, IReadOnlyList<SessionRef> sessions, int pupils, bool allowPartial = false) => new
    {
        offeringId, from = Date(sessions[0].StartsAt), to = Date(sessions[^1].StartsAt), pupils, grades = new[] { 3 },
        className = "四（2）班", teacherName = "王老师", contactName = "李老师", contactPhone = "13900001111", allowPartial,
    };

    internal static object IdsBody(Guid offeringId, IEnumerable<Guid> sessionIds, int pupils, bool allowPartial = false) => new
    {
        offeringId, sessionIds = sessionIds.ToArray(), pupils, grades = new[] { 3 }, contactName = "李老师", contactPhone = "13900001111", allowPartial,
    };

    private static async Task<int> FreeSeatsAsync(HttpClient provider, Guid offeringId, Guid sessionId) =>
        (await provider.GetJsonAsync($"/api/offerings/{offeringId}/sessions")).AsArray().First(s => s!["id"]!.GetValue<Guid>() == sessionId)!["freeSeats"]!.GetValue<int>();

    [Fact]
    public async Task ARange_BooksEverySessionInIt_AsOneSeries_WithTheClassOnEachBooking()
    {
        var (provider, offeringId, sessions) = await OfferingWithSessionsAsync(factory, 6, 30);
        var school = await factory.ClientForAsync("school1");

        var response = await school.SendAsync(Series(RangeBody(offeringId, sessions, 12), "series-range-0001"));
        var series = await response.AssertStatusAsync(201);

        var id = series["id"]!.GetValue<Guid>();
        Assert.Equal($"/api/booking-series/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Requested", series["status"]!.GetValue<string>());
        Assert.Equal(sessions.Select(s => s.Id), series["sessions"]!.AsArray().Select(s => s!["sessionId"]!.GetValue<Guid>()));
        Assert.Empty(series["unbooked"]!.AsArray());
        Assert.Equal(6, series["totals"]!["requested"]!.GetValue<int>());
        Assert.Equal(72, series["totals"]!["pupilSessions"]!.GetValue<int>());
        Assert.Equal(6 * 12 * 500, series["totals"]!["totalFen"]!.GetValue<long>());
        foreach (var s in sessions) Assert.Equal(18, await FreeSeatsAsync(provider, offeringId, s.Id));

        var bookingId = series["sessions"]!.AsArray()[2]!["bookingId"]!.GetValue<Guid>();
        var booking = await school.GetJsonAsync($"/api/bookings/{bookingId}");
        Assert.Equal(id, booking["seriesId"]!.GetValue<Guid>());
        Assert.Equal("四（2）班", booking["className"]!.GetValue<string>());
        Assert.Equal("王老师", booking["teacherName"]!.GetValue<string>());
        var read = await school.GetJsonAsync($"/api/booking-series/{id}");
        Assert.Equal(series["sessions"]!.ToJsonString(), read["sessions"]!.ToJsonString());
        Assert.Contains((await provider.GetJsonAsync("/api/booking-series")).AsArray(), s => s!["id"]!.GetValue<Guid>() == id);
        Assert.DoesNotContain((await (await factory.ClientForAsync("school2")).GetJsonAsync("/api/booking-series")).AsArray(), s => s!["id"]!.GetValue<Guid>() == id);
        Assert.Equal(HttpStatusCode.NotFound, (await (await factory.ClientForAsync("school2")).GetAsync($"/api/booking-series/{id}")).StatusCode);
    }

    [Fact]
    public async Task AllOrNothing_BooksNothing_AndNamesEveryShortSession()
    {
        var (provider, offeringId, sessions) = await OfferingWithSessionsAsync(factory, 5, 5);
        var other = await factory.ClientForAsync("school2");
        foreach (var i in new[] { 1, 3 })
            await (await other.SendAsync(BookingTests.Book(sessions[i].Id, 4, [3], $"series-fill-{i:D4}"))).AssertStatusAsync(201);
        var school = await factory.ClientForAsync("school1");

        var problem = await (await school.SendAsync(Series(RangeBody(offeringId, sessions, 3), "series-all-or-none-1"))).AssertProblemAsync(409);

        Assert.Equal("series-seats-unavailable", problem["code"]!.GetValue<string>());
        var named = problem["sessions"]!.AsArray();
        Assert.Equal(new[] { sessions[1].Id, sessions[3].Id }, named.Select(s => s!["sessionId"]!.GetValue<Guid>()).Order());
        Assert.All(named, s => Assert.Equal(1, s!["seatsLeft"]!.GetValue<int>()));
        Assert.All(named, s => Assert.NotNull(s!["startsAt"]));
        foreach (var (s, i) in sessions.Select((s, i) => (s, i)))
            Assert.Equal(i is 1 or 3 ? 1 : 5, await FreeSeatsAsync(provider, offeringId, s.Id));
        Assert.Empty((await school.GetJsonAsync($"/api/bookings?offeringId={offeringId}")).AsArray());
        Assert.DoesNotContain((await school.GetJsonAsync("/api/booking-series")).AsArray(), s => s!["offeringId"]!.GetValue<Guid>() == offeringId);
    }

    [Fact]
    public async Task AllowPartial_BooksWhatFits_AndListsTheRestWithTheirSeatsLeft()
    {
        var (provider, offeringId, sessions) = await OfferingWithSessionsAsync(factory, 5, 5);
        var other = await factory.ClientForAsync("school2");
        foreach (var i in new[] { 0, 4 })
            await (await other.SendAsync(BookingTests.Book(sessions[i].Id, 3, [3], $"partial-fill-{i:D4}"))).AssertStatusAsync(201);
        var school = await factory.ClientForAsync("school1");

        var series = await (await school.SendAsync(Series(RangeBody(offeringId, sessions, 3, allowPartial: true), "series-partial-0001"))).AssertStatusAsync(201);

        Assert.Equal(new[] { sessions[1].Id, sessions[2].Id, sessions[3].Id }, series["sessions"]!.AsArray().Select(s => s!["sessionId"]!.GetValue<Guid>()));
        var unbooked = series["unbooked"]!.AsArray();
        Assert.Equal(new[] { sessions[0].Id, sessions[4].Id }, unbooked.Select(s => s!["sessionId"]!.GetValue<Guid>()));
        Assert.All(unbooked, u => Assert.Equal("seats-unavailable", u!["reason"]!.GetValue<string>()));
        Assert.All(unbooked, u => Assert.Equal(2, u!["seatsLeft"]!.GetValue<int>()));
        Assert.True(series["allowPartial"]!.GetValue<bool>());
        foreach (var (s, i) in sessions.Select((s, i) => (s, i)))
            Assert.Equal(2, await FreeSeatsAsync(provider, offeringId, s.Id));
    }

    [Fact]
    public async Task AllowPartial_WhenNothingFits_Is409NothingFits()
    {
        var (_, offeringId, sessions) = await OfferingWithSessionsAsync(factory, 2, 2);
        var school = await factory.ClientForAsync("school1");
        var problem = await (await school.SendAsync(Series(RangeBody(offeringId, sessions, 3, allowPartial: true), "series-nothing-0001"))).AssertProblemAsync(409);
        Assert.Equal("series-nothing-fits", problem["code"]!.GetValue<string>());
        Assert.Equal(2, problem["sessions"]!.AsArray().Count);
    }

    [Fact]
    public async Task SameKey_ReplaysTheFirstAnswer_AndAnotherBodyIs422()
    {
        var (_, offeringId, sessions) = await OfferingWithSessionsAsync(factory, 3, 30);
        var school = await factory.ClientForAsync("school3");
        var first = await school.SendAsync(Series(IdsBody(offeringId, sessions.Select(s => s.Id), 5), "series-replay-0001"));
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        // The same request with the sessions and grades in another order is the same request.
        var again = await school.SendAsync(Series(IdsBody(offeringId, sessions.Select(s => s.Id).Reverse(), 5), "series-replay-0001"));
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(firstBody, await again.Content.ReadAsStringAsync());
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());

        var different = await school.SendAsync(Series(IdsBody(offeringId, sessions.Select(s => s.Id), 6), "series-replay-0001"));
        Assert.Equal("idempotency-mismatch", (await different.AssertProblemAsync(422))["code"]!.GetValue<string>());
        Assert.Single((await school.GetJsonAsync("/api/booking-series")).AsArray(), s => s!["offeringId"]!.GetValue<Guid>() == offeringId);
    }

    [Fact]
    public async Task BadRequests_Are400NamingTheField_And403ForProviders()
    {
        var (provider, offeringId, sessions) = await OfferingWithSessionsAsync(factory, 2, 30);
        var (_, otherOffering, otherSessions) = await OfferingWithSessionsAsync(factory, 1, 30);
        var school = await factory.ClientForAsync("school1");

        await (await school.SendAsync(Series(IdsBody(offeringId, [sessions[0].Id, otherSessions[0].Id], 5), "series-bad-00001"))).AssertProblemAsync(400, "sessionIds[1]");
        await (await school.SendAsync(Series(IdsBody(offeringId, [sessions[0].Id, sessions[0].Id], 5), "series-bad-00002"))).AssertProblemAsync(400, "sessionIds");
        await (await school.SendAsync(Series(new { offeringId, pupils = 5, grades = new[] { 3 }, contactName = "李老师", contactPhone = "13900001111" }, "series-bad-00003")))
            .AssertProblemAsync(400, "from");
        await (await school.SendAsync(Series(new { offeringId, from = "2027-03-10", to = "2027-03-01", pupils = 5, grades = new[] { 3 }, contactName = "李老师", contactPhone = "13900001111" }, "series-bad-00004")))
            .AssertProblemAsync(400, "to");
        await (await school.SendAsync(Series(new { offeringId, from = "2027-01-01", to = "2028-06-01", pupils = 5, grades = new[] { 3 }, contactName = "李老师", contactPhone = "13900001111" }, "series-bad-00005")))
            .AssertProblemAsync(400, "to");
        await (await school.SendAsync(Series(IdsBody(offeringId, Enumerable.Range(0, 61).Select(_ => Guid.NewGuid()), 5), "series-bad-00006"))).AssertProblemAsync(400, "sessionIds");
        await (await school.SendAsync(Series(RangeBody(offeringId, sessions, 5), null))).AssertProblemAsync(400, "Idempotency-Key");
        var classTooLong = new { offeringId, sessionIds = new[] { sessions[0].Id }, pupils = 5, grades = new[] { 3 }, className = new string('班', 51), contactName = "李老师", contactPhone = "13900001111" };
        await (await school.SendAsync(Series(classTooLong, "series-bad-00007"))).AssertProblemAsync(400, "className");
        Assert.Equal(HttpStatusCode.Forbidden, (await provider.SendAsync(Series(RangeBody(offeringId, sessions, 5), "series-bad-00008"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await school.SendAsync(Series(RangeBody(Guid.NewGuid(), sessions, 5), "series-bad-00009"))).StatusCode);
        // Nothing of it was written.
        Assert.Empty((await school.GetJsonAsync($"/api/bookings?offeringId={offeringId}")).AsArray());
        Assert.Empty((await school.GetJsonAsync($"/api/bookings?offeringId={otherOffering}")).AsArray());
    }

    [Fact]
    public async Task ANamedCancelledSession_RefusesTheSeries_UnlessAllowPartial()
    {
        var (provider, offeringId, sessions) = await OfferingWithSessionsAsync(factory, 3, 30);
        (await provider.PostJsonAsync($"/api/offerings/{offeringId}/sessions/{sessions[1].Id}/cancel", new { reason = "场地检修" })).EnsureSuccessStatusCode();
        var school = await factory.ClientForAsync("school1");

        var refused = await (await school.SendAsync(Series(IdsBody(offeringId, sessions.Select(s => s.Id), 5), "series-cancelled-01"))).AssertProblemAsync(409);
        Assert.Equal("series-session-not-bookable", refused["code"]!.GetValue<string>());
        Assert.Equal(sessions[1].Id, refused["sessions"]!.AsArray().Single()!["sessionId"]!.GetValue<Guid>());
        Assert.Equal("session-cancelled", refused["sessions"]!.AsArray().Single()!["reason"]!.GetValue<string>());

        var partial = await (await school.SendAsync(Series(IdsBody(offeringId, sessions.Select(s => s.Id), 5, allowPartial: true), "series-cancelled-02"))).AssertStatusAsync(201);
        Assert.Equal(2, partial["sessions"]!.AsArray().Count);
        Assert.Equal("session-cancelled", partial["unbooked"]!.AsArray().Single()!["reason"]!.GetValue<string>());

        // In a date range the cancelled session is simply not booked.
        var range = await (await (await factory.ClientForAsync("school2")).SendAsync(Series(RangeBody(offeringId, sessions, 5), "series-cancelled-03"))).AssertStatusAsync(201);
        Assert.Equal(2, range["sessions"]!.AsArray().Count);
        Assert.Equal(sessions[1].Id, range["unbooked"]!.AsArray().Single()!["sessionId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task TheProviderConfirmsTheWholeSeries_AndTheSchoolCannot()
    {
        var (provider, offeringId, sessions) = await OfferingWithSessionsAsync(factory, 4, 30);
        var school = await factory.ClientForAsync("school1");
        var id = (await (await school.SendAsync(Series(RangeBody(offeringId, sessions, 5), "series-confirm-001"))).AssertStatusAsync(201))["id"]!.GetValue<Guid>();

        Assert.Equal(HttpStatusCode.Forbidden, (await school.PostJsonAsync($"/api/booking-series/{id}/confirm", null)).StatusCode);
        var confirmed = await (await provider.PostJsonAsync($"/api/booking-series/{id}/confirm", null)).AssertStatusAsync(200);

        Assert.Equal("Confirmed", confirmed["status"]!.GetValue<string>());
        Assert.All(confirmed["sessions"]!.AsArray(), s => Assert.Equal("Confirmed", s!["status"]!.GetValue<string>()));
        Assert.Equal(4, confirmed["totals"]!["confirmed"]!.GetValue<int>());
        var again = await (await provider.PostJsonAsync($"/api/booking-series/{id}/confirm", null)).AssertProblemAsync(409);
        Assert.Equal("series-transition", again["code"]!.GetValue<string>());
        Assert.Equal("Confirmed", again["currentStatus"]!.GetValue<string>());
    }

    [Fact]
    public async Task Decline_ReleasesEverySeat_AndNeedsAReason()
    {
        var (provider, offeringId, sessions) = await OfferingWithSessionsAsync(factory, 3, 30);
        var school = await factory.ClientForAsync("school1");
        var id = (await (await school.SendAsync(Series(RangeBody(offeringId, sessions, 5), "series-decline-001"))).AssertStatusAsync(201))["id"]!.GetValue<Guid>();

        await (await provider.PostJsonAsync($"/api/booking-series/{id}/decline", new { })).AssertProblemAsync(400, "reason");
        var declined = await (await provider.PostJsonAsync($"/api/booking-series/{id}/decline", new { reason = "该时段教练另有安排" })).AssertStatusAsync(200);

        Assert.Equal("Declined", declined["status"]!.GetValue<string>());
        Assert.All(declined["sessions"]!.AsArray(), s => Assert.Equal("Declined", s!["status"]!.GetValue<string>()));
        Assert.Equal(0, declined["totals"]!["pupilSessions"]!.GetValue<int>());
        foreach (var s in sessions) Assert.Equal(30, await FreeSeatsAsync(provider, offeringId, s.Id));
    }

    /// <summary>
    /// A per-session cancel is the booking's own (the series document is untouched); the series cancel then cancels the rest and
    /// the series becomes Cancelled; a second series cancel finds nothing to cancel.
    /// </summary>
    [Fact]
    public async Task CancellingOneSession_ThenTheSeries_CancelsTheRest_AndReleasesTheSeats()
    {
        var (provider, offeringId, sessions) = await OfferingWithSessionsAsync(factory, 4, 30);
        var school = await factory.ClientForAsync("school1");
        var series = await (await school.SendAsync(Series(RangeBody(offeringId, sessions, 5), "series-cancel-0001"))).AssertStatusAsync(201);
        var id = series["id"]!.GetValue<Guid>();
        var first = series["sessions"]!.AsArray()[0]!["bookingId"]!.GetValue<Guid>();

        (await school.PostJsonAsync($"/api/bookings/{first}/cancel", new { })).EnsureSuccessStatusCode();
        var afterOne = await school.GetJsonAsync($"/api/booking-series/{id}");
        Assert.Equal("Requested", afterOne["status"]!.GetValue<string>());
        Assert.Equal(series["version"]!.GetValue<long>(), afterOne["version"]!.GetValue<long>());
        Assert.Equal(1, afterOne["totals"]!["cancelled"]!.GetValue<int>());
        Assert.Equal(3, afterOne["totals"]!["requested"]!.GetValue<int>());

        var cancelled = await (await school.PostJsonAsync($"/api/booking-series/{id}/cancel", new { reason = "学期安排调整" })).AssertStatusAsync(200);
        Assert.Equal("Cancelled", cancelled["status"]!.GetValue<string>());
        Assert.Equal(4, cancelled["totals"]!["cancelled"]!.GetValue<int>());
        Assert.Empty(cancelled["kept"]!.AsArray());
        foreach (var s in sessions) Assert.Equal(30, await FreeSeatsAsync(provider, offeringId, s.Id));
        Assert.Equal("series-nothing-to-cancel",
            (await (await school.PostJsonAsync($"/api/booking-series/{id}/cancel", new { })).AssertProblemAsync(409))["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await (await factory.ClientForAsync("school2")).PostJsonAsync($"/api/booking-series/{id}/cancel", new { })).StatusCode);
    }

    /// <summary>A school's series cancel keeps the confirmed sessions past the cut-off (and says so); its unconfirmed ones it may always withdraw.</summary>
    [Fact]
    public async Task SchoolCancel_KeepsConfirmedBookingsPastTheCutoff_AndListsThem()
    {
        // The first session starts in 12 h: inside the 24 h cut-off, outside the 2 h on-campus lead time.
        var (provider, offeringId, sessions) = await OfferingWithSessionsAsync(factory, 3, 30, firstHoursAhead: 12);
        var school = await factory.ClientForAsync("school1");
        var series = await (await school.SendAsync(Series(IdsBody(offeringId, sessions.Select(s => s.Id), 5), "series-kept-00001"))).AssertStatusAsync(201);
        var id = series["id"]!.GetValue<Guid>();
        (await provider.PostJsonAsync($"/api/booking-series/{id}/confirm", null)).EnsureSuccessStatusCode();

        var result = await (await school.PostJsonAsync($"/api/booking-series/{id}/cancel", new { })).AssertStatusAsync(200);

        var kept = result["kept"]!.AsArray().Single()!;
        Assert.Equal(series["sessions"]!.AsArray()[0]!["bookingId"]!.GetValue<Guid>(), kept["bookingId"]!.GetValue<Guid>());
        Assert.Equal("booking-cancel-cutoff", kept["code"]!.GetValue<string>());
        Assert.Equal("Confirmed", result["status"]!.GetValue<string>()); // a live booking remains
        Assert.Equal(2, result["totals"]!["cancelled"]!.GetValue<int>());
        Assert.Equal(25, await FreeSeatsAsync(provider, offeringId, sessions[0].Id));
    }

    [Fact]
    public async Task ABureauSeesItsDistrictsSeries_ReadOnly()
    {
        var (_, offeringId, sessions) = await OfferingWithSessionsAsync(factory, 2, 30);
        var school = await factory.ClientForAsync("school1");
        var id = (await (await school.SendAsync(Series(RangeBody(offeringId, sessions, 5), "series-bureau-0001"))).AssertStatusAsync(201))["id"]!.GetValue<Guid>();
        var district = (await school.GetJsonAsync($"/api/booking-series/{id}"))["sessions"]!.AsArray()[0]!["bookingId"]!.GetValue<Guid>();
        var districtCode = (await school.GetJsonAsync($"/api/bookings/{district}"))["districtCode"]!.GetValue<string>();

        var bureau = await factory.ClientForAsync($"bureau-{districtCode}");
        Assert.Equal(id, (await bureau.GetJsonAsync($"/api/booking-series/{id}"))["id"]!.GetValue<Guid>());
        Assert.Contains((await bureau.GetJsonAsync("/api/booking-series?status=Requested")).AsArray(), s => s!["id"]!.GetValue<Guid>() == id);
        Assert.Equal(HttpStatusCode.Forbidden, (await bureau.PostJsonAsync($"/api/booking-series/{id}/confirm", null)).StatusCode);
        var other = districtCode == "110101" ? "110102" : "110101";
        Assert.Equal(HttpStatusCode.NotFound, (await (await factory.ClientForAsync($"bureau-{other}")).GetAsync($"/api/booking-series/{id}")).StatusCode);
    }
}

/// <summary>A series the provider does not answer in time expires with its open requests, and their seats return.</summary>
public class BookingSeriesExpiryTests
{
    [Fact]
    public async Task AnUnansweredSeries_Expires_WithItsRequests_AndTheSeatsReturn()
    {
        using var factory = new MarketplaceFactory(new Dictionary<string, string?>
        {
            ["Marketplace:BookingResponseWindow"] = "00:00:01", ["Marketplace:BookingExpirySweep"] = "00:00:00.200",
        });
        var (provider, offeringId, sessions) = await BookingSeriesTests.OfferingWithSessionsAsync(factory, 3, 20);
        var school = await factory.ClientForAsync("school1");
        var id = (await (await school.SendAsync(BookingSeriesTests.Series(BookingSeriesTests.RangeBody(offeringId, sessions, 6), "series-expiry-0001")))
            .AssertStatusAsync(201))["id"]!.GetValue<Guid>();

        var expired = await BookingTests.WaitForAsync(async () =>
        {
            var s = await school.GetJsonAsync($"/api/booking-series/{id}");
            return s["status"]!.GetValue<string>() == "Expired" ? s : null;
        }, TimeSpan.FromSeconds(10));

        Assert.Equal(3, expired["totals"]!["expired"]!.GetValue<int>());
        Assert.All((await provider.GetJsonAsync($"/api/offerings/{offeringId}/sessions")).AsArray(), s => Assert.Equal(20, s!["freeSeats"]!.GetValue<int>()));
        Assert.Equal("series-transition", await CodeOf(await provider.PostJsonAsync($"/api/booking-series/{id}/confirm", null)));
    }

    private static async Task<string> CodeOf(HttpResponseMessage response) => (await response.AssertProblemAsync(409))["code"]!.GetValue<string>();
}
