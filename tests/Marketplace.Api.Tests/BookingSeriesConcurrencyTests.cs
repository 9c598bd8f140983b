using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests;

/// <summary>
/// 50 schools race series over overlapping ranges of 18 sessions, in parallel HTTP requests: no session is ever oversold, an
/// all-or-nothing series has all 18 bookings or none, allowPartial books exactly what the seat ledger shows, and ten parallel
/// posts with one key make one series.
/// </summary>
public class BookingSeriesConcurrencyTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private const int Sessions = 24, Span = 18, Clients = 50, Capacity = 30;

    private async Task<HttpClient[]> SchoolsAsync() =>
        await Task.WhenAll(BookingSeriesTests.BeijingSchools.Select(i => factory.ClientForAsync($"school{i}")));

    [Fact]
    public async Task FiftySchools_AllOrNothing_NeverOversell_AndEverySeriesHas0Or18Bookings()
    {
        var (provider, offeringId, sessions) = await BookingSeriesTests.OfferingWithSessionsAsync(factory, Sessions, Capacity);
        var schools = await SchoolsAsync();

        var posts = Enumerable.Range(0, Clients).Select(c => schools[c % schools.Length].SendAsync(BookingSeriesTests.Series(
            BookingSeriesTests.IdsBody(offeringId, sessions.Skip(c % 7).Take(Span).Select(s => s.Id), 1 + c % 2), $"storm-series-{c:D4}"))).ToArray();
        var results = await Task.WhenAll(posts);

        Assert.All(results, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"got {(int)r.StatusCode}"));
        var created = results.Where(r => r.StatusCode == HttpStatusCode.Created).ToArray();
        Assert.NotEmpty(created);
        Assert.Contains(results, r => r.StatusCode == HttpStatusCode.Conflict); // 50 groups of 1–2 over 30 seats: some must lose
        foreach (var r in results.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            var problem = await r.ReadJsonAsync();
            Assert.Equal("series-seats-unavailable", problem["code"]!.GetValue<string>());
            Assert.NotEmpty(problem["sessions"]!.AsArray());
            Assert.All(problem["sessions"]!.AsArray(), s => Assert.InRange(s!["seatsLeft"]!.GetValue<int>(), 0, 1));
        }

        var seriesIds = new List<Guid>();
        foreach (var r in created)
        {
            var body = await r.ReadJsonAsync();
            Assert.Equal(Span, body["sessions"]!.AsArray().Count);
            Assert.Empty(body["unbooked"]!.AsArray());
            seriesIds.Add(body["id"]!.GetValue<Guid>());
        }
        await AssertLedgerAsync(provider, offeringId, sessions);
        // Every series the provider sees has all its bookings: none partial, none orphaned.
        var bookings = await AllBookingsAsync(provider, offeringId);
        Assert.Equal(seriesIds.Count * Span, bookings.Count);
        Assert.All(bookings.GroupBy(b => b!["seriesId"]!.GetValue<Guid>()), g => Assert.Equal(Span, g.Count()));
        Assert.Equal(seriesIds.Order(), bookings.Select(b => b!["seriesId"]!.GetValue<Guid>()).Distinct().Order());
    }

    [Fact]
    public async Task FiftySchools_AllowPartial_BookWhatTheLedgerShows()
    {
        var (provider, offeringId, sessions) = await BookingSeriesTests.OfferingWithSessionsAsync(factory, Sessions, Capacity);
        var schools = await SchoolsAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => schools[c % schools.Length].SendAsync(BookingSeriesTests.Series(
            BookingSeriesTests.IdsBody(offeringId, sessions.Skip(c % 7).Take(Span).Select(s => s.Id), 1 + c % 2, allowPartial: true), $"storm-partial-{c:D4}"))));

        var booked = new Dictionary<Guid, int>();
        foreach (var (r, c) in results.Select((r, c) => (r, c)))
        {
            Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"got {(int)r.StatusCode}");
            var body = await r.ReadJsonAsync();
            if (r.StatusCode == HttpStatusCode.Conflict)
            {
                Assert.Equal("series-nothing-fits", body["code"]!.GetValue<string>());
                continue;
            }
            var got = body["sessions"]!.AsArray();
            var missed = body["unbooked"]!.AsArray();
            Assert.Equal(Span, got.Count + missed.Count);
            Assert.All(missed, u => Assert.Equal("seats-unavailable", u!["reason"]!.GetValue<string>()));
            foreach (var s in got) booked[s!["sessionId"]!.GetValue<Guid>()] = booked.GetValueOrDefault(s["sessionId"]!.GetValue<Guid>()) + 1 + c % 2;
        }
        var ledger = await AssertLedgerAsync(provider, offeringId, sessions);
        foreach (var s in sessions) Assert.Equal(booked.GetValueOrDefault(s.Id), ledger[s.Id]);
    }

    [Fact]
    public async Task TenParallelPosts_WithOneKey_MakeOneSeries()
    {
        var (provider, offeringId, sessions) = await BookingSeriesTests.OfferingWithSessionsAsync(factory, Span, 5);
        var school = await factory.ClientForAsync("school4");

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            school.SendAsync(BookingSeriesTests.Series(BookingSeriesTests.RangeBody(offeringId, sessions, 5), "one-key-ten-posts"))));

        Assert.All(results, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single((await Task.WhenAll(results.Select(r => r.Content.ReadAsStringAsync()))).Distinct());
        Assert.Single((await school.GetJsonAsync("/api/booking-series")).AsArray(), s => s!["offeringId"]!.GetValue<Guid>() == offeringId);
        Assert.Equal(Span, (await AllBookingsAsync(provider, offeringId)).Count);
        Assert.All((await provider.GetJsonAsync($"/api/offerings/{offeringId}/sessions")).AsArray(), s => Assert.Equal(0, s!["freeSeats"]!.GetValue<int>()));
    }

    /// <summary>Reserved never above capacity, and equal to the pupils of the live bookings on each session. Returns reserved by session.</summary>
    private static async Task<Dictionary<Guid, int>> AssertLedgerAsync(HttpClient provider, Guid offeringId, IReadOnlyList<BookingSeriesTests.SessionRef> sessions)
    {
        var live = (await AllBookingsAsync(provider, offeringId)).Where(b => b!["status"]!.GetValue<string>() is "Requested" or "Confirmed")
            .GroupBy(b => b!["sessionId"]!.GetValue<Guid>()).ToDictionary(g => g.Key, g => g.Sum(b => b!["pupils"]!.GetValue<int>()));
        var reserved = new Dictionary<Guid, int>();
        foreach (var s in (await provider.GetJsonAsync($"/api/offerings/{offeringId}/sessions?limit=100")).AsArray())
        {
            var id = s!["id"]!.GetValue<Guid>();
            reserved[id] = s["reserved"]!.GetValue<int>();
            Assert.InRange(reserved[id], 0, Capacity);
            Assert.Equal(live.GetValueOrDefault(id), reserved[id]);
        }
        Assert.Equal(sessions.Count, reserved.Count);
        return reserved;
    }

    private static async Task<List<JsonNode?>> AllBookingsAsync(HttpClient provider, Guid offeringId)
    {
        var all = new List<JsonNode?>();
        string? before = null;
        while (true)
        {
            var page = (await provider.GetJsonAsync($"/api/bookings?offeringId={offeringId}&limit=500" + (before is null ? "" : $"&before={before}"))).AsArray();
            all.AddRange(page);
            if (page.Count < 500) return all;
            before = page[^1]!["id"]!.GetValue<string>();
        }
    }
}
