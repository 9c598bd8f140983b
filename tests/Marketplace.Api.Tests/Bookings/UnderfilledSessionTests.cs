using System.Text.Json;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Api.Tests.Realtime;
using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog.Sessions;
using Marketplace.Core.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Marketplace.Api.Tests.Bookings;

/// <summary>
/// The demo host whose underfilled-session check reads the time from a clock the test moves (everything else keeps real time,
/// so sign-in tokens stay valid), swept every 100 ms by the real hosted service.
/// </summary>
public sealed class UnderfilledClockFactory() : MarketplaceFactory(new Dictionary<string, string?> { ["Marketplace:BookingExpirySweep"] = "00:00:00.100" })
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton(sp => new UnderfilledSessionCommands(
            sp.GetRequiredService<IMarketplaceStore>(), sp.GetRequiredService<SessionCommands>(), Clock, sp.GetRequiredService<UnderfilledOptions>())));
    }
}

/// <summary>
/// minGroup off campus: a 走出去 session still below minGroup at its decision deadline (48 h before it starts) is flagged once,
/// pushed to its provider and to every school booked on it; the provider runs it (the schools hear "runs") or cancels it.
/// </summary>
public sealed class UnderfilledSessionTests(UnderfilledClockFactory factory) : IClassFixture<UnderfilledClockFactory>
{
    private static async Task<(HttpClient Provider, Guid OfferingId, Guid[] Sessions)> OffCampusAsync(UnderfilledClockFactory factory, string mode, int minGroup)
    {
        var provider = await factory.ClientForAsync("provider1");
        var body = new
        {
            title = "湿地自然观察", summary = "到湿地公园观察鸟类与植物", category = "Science", mode, grades = new[] { 3, 4, 5 }, minGroup, maxGroup = 40,
            durationMinutes = 90, priceFen = 500, venue = new { address = "北京市朝阳区奥林匹克森林公园", lat = 40.02, lon = 116.39 },
            districts = new[] { "110101", "110102", "110105", "110108" },
        };
        var id = (await (await provider.PostJsonAsync("/api/offerings", body)).AssertStatusAsync(201))["id"]!.GetValue<Guid>();
        (await provider.PostJsonAsync($"/api/offerings/{id}/submit", null)).EnsureSuccessStatusCode();
        (await (await factory.ClientForAsync("bureau-110105")).PostJsonAsync($"/api/offerings/{id}/approve", null)).EnsureSuccessStatusCode();
        var sessions = new List<Guid>();
        foreach (var hours in new[] { 72, 75, 200 })
        {
            var start = factory.Clock.GetUtcNow().AddHours(hours); // the checking clock's hours ahead
            var created = await (await provider.PostJsonAsync($"/api/offerings/{id}/sessions", new { startsAt = start, endsAt = start.AddHours(1.5), capacity = 40 })).AssertStatusAsync(201);
            sessions.Add(created.AsArray()[0]!["id"]!.GetValue<Guid>());
        }
        return (provider, id, [.. sessions]);
    }

    private static List<JsonElement> Listen(LiveClient client)
    {
        var heard = new List<JsonElement>();
        client.Connection.On<JsonElement>("sessionUnderfilled", m => { lock (heard) heard.Add(m); });
        return heard;
    }

    private static int CountOf(List<JsonElement> heard, Guid sessionId, string? decision)
    {
        lock (heard)
            return heard.Count(m => m.GetProperty("sessionId").GetGuid() == sessionId
                && (m.TryGetProperty("decision", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null) == decision);
    }

    [Fact]
    public async Task AnUnderfilledOffCampusSession_IsFlaggedOnceAtItsDeadline_ToTheProviderAndItsSchools_ThenRuns()
    {
        var (provider, offeringId, sessions) = await OffCampusAsync(factory, "OffCampus", minGroup: 20);
        var (underfilled, full, later) = (sessions[0], sessions[1], sessions[2]);
        var schoolA = await factory.ClientForAsync("school27");
        var schoolB = await factory.ClientForAsync("school26");
        (await schoolA.SendAsync(BookingTests.Book(underfilled, 6, [3], "underfilled-a-001"))).EnsureSuccessStatusCode();
        (await schoolB.SendAsync(BookingTests.Book(underfilled, 5, [3], "underfilled-b-001"))).EnsureSuccessStatusCode();
        (await schoolA.SendAsync(BookingTests.Book(full, 20, [3], "underfilled-a-002"))).EnsureSuccessStatusCode();
        (await schoolA.SendAsync(BookingTests.Book(later, 2, [3], "underfilled-a-003"))).EnsureSuccessStatusCode();
        await using var providerLive = await LiveClient.SignedInAsync(factory, "provider1");
        await using var aLive = await LiveClient.SignedInAsync(factory, "school27");
        await using var bLive = await LiveClient.SignedInAsync(factory, "school26");
        await using var strangerLive = await LiveClient.SignedInAsync(factory, "school28");
        var (toProvider, toA, toB, toStranger) = (Listen(providerLive), Listen(aLive), Listen(bLive), Listen(strangerLive));

        // 72 h ahead: before the 48 h deadline nothing is flagged, however often the sweep runs.
        await Task.Delay(500);
        Assert.Null((await SessionAsync(provider, offeringId, underfilled))["underfilled"]);

        // 25 h later the first two are within 48 h: the underfilled one is flagged (11 of 20), the full one is not.
        factory.Clock.Advance(TimeSpan.FromHours(25));
        await PausedOfferingTestsWait(() => CountOf(toProvider, underfilled, null) == 1 && CountOf(toA, underfilled, null) == 1 && CountOf(toB, underfilled, null) == 1);
        var flagged = await SessionAsync(provider, offeringId, underfilled);
        Assert.Equal((11, 20), (flagged["underfilled"]!["pupils"]!.GetValue<int>(), flagged["underfilled"]!["minGroup"]!.GetValue<int>()));
        Assert.Null(flagged["decision"]);
        lock (toA)
        {
            var message = toA.Single();
            Assert.Equal((offeringId, 11, 20), (message.GetProperty("offeringId").GetGuid(), message.GetProperty("pupils").GetInt32(), message.GetProperty("minGroup").GetInt32()));
            Assert.True(message.GetProperty("cursor").GetInt64() > 0);
        }
        Assert.Null((await SessionAsync(provider, offeringId, full))["underfilled"]);
        Assert.Null((await SessionAsync(provider, offeringId, later))["underfilled"]);

        // Flagged once: more sweeps and more time within the window tell no one again.
        factory.Clock.Advance(TimeSpan.FromHours(1));
        await Task.Delay(600);
        Assert.Equal(1, CountOf(toProvider, underfilled, null));
        Assert.Equal(0, await factory.Services.GetRequiredService<UnderfilledSessionCommands>().FlagDueAsync());
        lock (toStranger) Assert.Empty(toStranger);

        // The provider runs it: the booked schools hear "runs"; running it again changes nothing.
        var run = await (await provider.PostJsonAsync($"/api/offerings/{offeringId}/sessions/{underfilled}/run", null)).AssertStatusAsync(200);
        Assert.Equal("Runs", run["decision"]!.GetValue<string>());
        await PausedOfferingTestsWait(() => CountOf(toA, underfilled, "runs") == 1 && CountOf(toB, underfilled, "runs") == 1 && CountOf(toProvider, underfilled, "runs") == 1);
        await (await provider.PostJsonAsync($"/api/offerings/{offeringId}/sessions/{underfilled}/run", null)).AssertStatusAsync(200);
        await Task.Delay(Silence.Grace);
        Assert.Equal(1, CountOf(toA, underfilled, "runs"));

        // Nothing to decide on a session that is not underfilled; another provider's session is not found; a school may not.
        var refused = await (await provider.PostJsonAsync($"/api/offerings/{offeringId}/sessions/{full}/run", null)).AssertProblemAsync(409);
        Assert.Equal("session-not-underfilled", refused["code"]!.GetValue<string>());
        await (await (await factory.ClientForAsync("provider2")).PostJsonAsync($"/api/offerings/{offeringId}/sessions/{underfilled}/run", null)).AssertProblemAsync(404);
        await (await schoolA.PostJsonAsync($"/api/offerings/{offeringId}/sessions/{underfilled}/run", null)).AssertProblemAsync(403);

        // The change feed has both notices for the school.
        var feed = (await schoolB.GetJsonAsync("/api/events?after=0"))["items"]!.AsArray()
            .Where(i => i!["type"]!.GetValue<string>() == "sessionUnderfilled" && i["data"]!["sessionId"]!.GetValue<Guid>() == underfilled).ToList();
        Assert.Equal([null, "runs"], feed.Select(i => i!["data"]!["decision"]?.GetValue<string>()));
    }

    [Fact]
    public async Task ParallelChecks_FlagOnce_AndParallelRuns_TellTheSchoolsOnce()
    {
        var (provider, offeringId, sessions) = await OffCampusAsync(factory, "Both", minGroup: 15);
        var school = await factory.ClientForAsync("school13");
        (await school.SendAsync(BookingTests.Book(sessions[0], 4, [3], "underfilled-par-01"))).EnsureSuccessStatusCode();
        var before = (await provider.GetJsonAsync("/api/events?after=0"))["next"]!.GetValue<long>();

        // Eight instances' checks at once, next to the hosted sweep, and a booking racing them: one flag, one notice.
        factory.Clock.Advance(TimeSpan.FromHours(25));
        var commands = factory.Services.GetRequiredService<UnderfilledSessionCommands>();
        var checks = Enumerable.Range(0, 8).Select(_ => Task.Run(() => commands.FlagDueAsync())).ToList();
        var booking = school.SendAsync(BookingTests.Book(sessions[0], 2, [3], "underfilled-par-02"));
        await Task.WhenAll(checks);
        (await booking).EnsureSuccessStatusCode();
        // Not the checks' counts: they also take in other sessions of this class's host that fell due when the clock moved (5 in one
        // full run, where the hosted sweep had not reached them first). This session flagged once is its one notice without a decision below.
        await Task.Delay(500);
        var flagged = await SessionAsync(provider, offeringId, sessions[0]);
        Assert.InRange(flagged["underfilled"]!["pupils"]!.GetValue<int>(), 4, 6);

        var runs = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => provider.PostJsonAsync($"/api/offerings/{offeringId}/sessions/{sessions[0]}/run", null)));
        Assert.All(runs, r => Assert.Equal(System.Net.HttpStatusCode.OK, r.StatusCode));
        var notices = (await school.GetJsonAsync($"/api/events?after={before}"))["items"]!.AsArray()
            .Where(i => i!["type"]!.GetValue<string>() == "sessionUnderfilled" && i["data"]!["sessionId"]!.GetValue<Guid>() == sessions[0])
            .Select(i => i!["data"]!["decision"]?.GetValue<string>()).ToList();
        Assert.Equal([null, "runs"], notices);
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> SessionAsync(HttpClient provider, Guid offeringId, Guid sessionId) =>
        (await provider.GetJsonAsync($"/api/offerings/{offeringId}/sessions")).AsArray().Single(s => s!["id"]!.GetValue<Guid>() == sessionId)!;

    private static Task PausedOfferingTestsWait(Func<bool> condition) => Catalog.PausedOfferingTests.UntilAsync(condition, "the sessionUnderfilled push");
}
