using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Realtime;

/// <summary>Core flow 6, catch-up: a client that was offline reads exactly what it missed from GET /api/events?after=.</summary>
public sealed class ChangeFeedTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task AnOfflineSchool_CatchesUpOnExactlyTheChangesItMissed_InCursorOrder_AndNoOtherSchools()
    {
        var (provider, _, sessionId) = await BookingTests.FreshSessionAsync(factory, 40);
        var schoolId = await factory.OrganizationOfAsync("school16");
        var school = await factory.ClientForAsync("school16");
        var otherSchool = await factory.ClientForAsync("school28");

        // Online: the school books twice and hears it live.
        var live = await LiveClient.SignedInAsync(factory, "school16");
        var first = await BookAsync(school, sessionId, 5, "feed-school-0001");
        var second = await BookAsync(school, sessionId, 4, "feed-school-0002");
        var heard = await live.BookingAsync(m => m.BookingId == second, Wait, "the second Requested change");
        var (seen, next) = await ReadToEndAsync(school, 0);
        Assert.Equal([(first, "Requested"), (second, "Requested")], seen.Select(Change));
        Assert.Equal(heard.Message.Cursor, next);

        // Offline: the provider acts, another school books the same session.
        await live.DisposeAsync();
        await Ok(provider.PostJsonAsync($"/api/bookings/{first}/confirm", null));
        await Ok(provider.PostJsonAsync($"/api/bookings/{second}/decline", new { reason = "该时段教练外出比赛" }));
        var foreign = await BookAsync(otherSchool, sessionId, 3, "feed-other-00001");
        await Ok(provider.PostJsonAsync($"/api/bookings/{first}/cancel", new { reason = "场馆临时检修" }));

        // Back online: exactly the three missed changes, in order, and nothing of the other school's.
        var page = await school.GetJsonAsync($"/api/events?after={next}");
        var missed = page["items"]!.AsArray().Select(i => i!).ToList();
        Assert.Equal([(first, "Confirmed"), (second, "Declined"), (first, "Cancelled")], missed.Select(Change));
        Assert.Equal(["Requested", "Requested", "Confirmed"], missed.Select(i => i["data"]!["oldStatus"]!.GetValue<string>()));
        Assert.All(missed, i => Assert.Equal("bookingChanged", i["type"]!.GetValue<string>()));
        Assert.All(missed, i => Assert.Equal(schoolId, i["data"]!["schoolId"]!.GetValue<Guid>()));
        Assert.DoesNotContain(missed, i => i["data"]!["bookingId"]!.GetValue<Guid>() == foreign);
        var cursors = missed.Select(i => i["cursor"]!.GetValue<long>()).ToList();
        Assert.True(cursors[0] > next, $"the first missed cursor {cursors[0]} must follow {next}");
        Assert.Equal(cursors.Order(), cursors);
        Assert.Equal(cursors.Count, cursors.Distinct().Count());
        Assert.Equal(cursors[^1], page["next"]!.GetValue<long>());

        // Caught up: the feed is empty from there, and the next live push continues after it.
        var after = await school.GetJsonAsync($"/api/events?after={cursors[^1]}");
        Assert.Empty(after["items"]!.AsArray());
        Assert.Equal(cursors[^1], after["next"]!.GetValue<long>());
        await using var again = await LiveClient.SignedInAsync(factory, "school16");
        var third = await BookAsync(school, sessionId, 2, "feed-school-0003");
        var resumed = await again.BookingAsync(m => m.BookingId == third, Wait, "the Requested change after reconnecting");
        Assert.True(resumed.Message.Cursor > cursors[^1]);
    }

    [Fact]
    public async Task ANegativeCursor_IsAValidationProblem()
    {
        var school = await factory.ClientForAsync("school16");
        await (await school.GetAsync("/api/events?after=-1")).AssertProblemAsync(400, "after");
    }

    [Fact]
    public async Task TheFeed_RequiresSignIn()
    {
        var response = await factory.CreateClient().GetAsync("/api/events?after=0");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static (Guid, string) Change(JsonNode item) =>
        (item["data"]!["bookingId"]!.GetValue<Guid>(), item["data"]!["newStatus"]!.GetValue<string>());

    /// <summary>Pages through the feed from <paramref name="after"/> until it is empty; returns everything and the final cursor.</summary>
    private static async Task<(List<JsonNode> Items, long Next)> ReadToEndAsync(HttpClient client, long after)
    {
        var items = new List<JsonNode>();
        while (true)
        {
            var page = await client.GetJsonAsync($"/api/events?after={after}");
            var batch = page["items"]!.AsArray();
            var next = page["next"]!.GetValue<long>();
            if (batch.Count == 0)
            {
                Assert.Equal(after, next);
                return (items, next);
            }
            items.AddRange(batch.Select(i => i!));
            after = next;
        }
    }

    private static async Task<Guid> BookAsync(HttpClient school, Guid sessionId, int pupils, string key)
    {
        var response = await school.SendAsync(BookingTests.Book(sessionId, pupils, [3], key));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync())["id"]!.GetValue<Guid>();
    }

    private static async Task Ok(Task<HttpResponseMessage> call)
    {
        var response = await call;
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
