using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Marketplace.Api.Auth;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Identity;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.Api.Tests.Realtime;

/// <summary>The demo host with a watch cap small enough to reach in a test.</summary>
public sealed class SmallWatchCapFactory() : MarketplaceFactory(new Dictionary<string, string?> { ["Marketplace:WatchedOfferingsPerConnection"] = "3" });

/// <summary>Who may join which hub stream: watching needs a visible offering, a connection watches a bounded number, and a bad token is refused.</summary>
public sealed class HubAccessTests(SmallWatchCapFactory factory) : IClassFixture<SmallWatchCapFactory>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task WatchOffering_ADraft_IsRefusedToAnonymousAndOtherProviders_ButNotToItsOwnerOrBureau()
    {
        var owner = await factory.ClientForAsync("provider1");
        var draft = (await (await owner.PostJsonAsync("/api/offerings", Demo.OfferingBody("未发布的草稿课程"))).ReadJsonAsync())["id"]!.GetValue<Guid>();
        await using var anonymous = await LiveClient.AnonymousAsync(factory);
        await using var stranger = await LiveClient.SignedInAsync(factory, "provider2");
        await using var school = await LiveClient.SignedInAsync(factory, "school1");
        await using var itself = await LiveClient.SignedInAsync(factory, "provider1");
        await using var bureau = await LiveClient.SignedInAsync(factory, "bureau-110105");

        foreach (var refused in new[] { anonymous, stranger, school })
        {
            var e = await Assert.ThrowsAsync<HubException>(() => refused.WatchAsync(draft));
            Assert.Contains("只能关注已发布的课程", e.Message);
        }
        await itself.WatchAsync(draft);
        await bureau.WatchAsync(draft);
    }

    [Fact]
    public async Task WatchOffering_AnUnknownId_IsRefused()
    {
        await using var anonymous = await LiveClient.AnonymousAsync(factory);
        var e = await Assert.ThrowsAsync<HubException>(() => anonymous.WatchAsync(Guid.CreateVersion7()));
        Assert.Contains("只能关注已发布的课程", e.Message);
    }

    [Fact]
    public async Task WatchOffering_BeyondTheConfiguredCap_IsRefused_UntilTheConnectionUnwatchesOne()
    {
        var published = await PublishedOfferingsAsync(5);
        await using var watcher = await LiveClient.AnonymousAsync(factory);
        foreach (var id in published.Take(3)) await watcher.WatchAsync(id);
        await watcher.WatchAsync(published[0]); // watching one again takes no second place

        var e = await Assert.ThrowsAsync<HubException>(() => watcher.WatchAsync(published[3]));
        Assert.EndsWith("HubException: 每个连接最多关注 3 个课程，请先取消关注其他课程", e.Message, StringComparison.Ordinal); // zh-CN only: one language per answer

        await watcher.UnwatchAsync(published[1]);
        await watcher.WatchAsync(published[3]);
        await Assert.ThrowsAsync<HubException>(() => watcher.WatchAsync(published[4]));

        // The budget is per connection: another one starts with all of it.
        await using var other = await LiveClient.AnonymousAsync(factory);
        foreach (var id in published.Skip(2)) await other.WatchAsync(id);
    }

    [Fact]
    public async Task AnonymousWatchers_GetFreeSeatsOnly_WhileTheProvidersOwnStreamKeepsCapacityAndReserved()
    {
        var (_, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 30);
        await using var watcher = await RawAvailability.ConnectAsync(factory, token: null);
        await using var owner = await RawAvailability.ConnectAsync(factory, await LiveClient.TokenAsync(factory, "provider1"));
        await watcher.Connection.InvokeAsync("WatchOffering", offeringId);
        var school = await factory.ClientForAsync("school3");

        (await school.SendAsync(BookingTests.Book(sessionId, 7, [3], "hub-payload-0001"))).EnsureSuccessStatusCode();

        var seen = await watcher.WaitAsync(sessionId);
        Assert.Equal(23, seen.GetProperty("freeSeats").GetInt32());
        Assert.Equal("Scheduled", seen.GetProperty("sessionStatus").GetString());
        Assert.False(seen.TryGetProperty("reserved", out _), $"a watcher must not see reserved seats: {seen}");
        Assert.False(seen.TryGetProperty("capacity", out _), $"a watcher must not see the capacity (capacity − free = reserved): {seen}");
        var full = await owner.WaitAsync(sessionId);
        Assert.Equal((30, 7, 23), (full.GetProperty("capacity").GetInt32(), full.GetProperty("reserved").GetInt32(), full.GetProperty("freeSeats").GetInt32()));
    }

    public enum BadToken { Garbage, Expired, Tampered, SignedByAnotherKey }

    [Theory]
    [InlineData(BadToken.Garbage)]
    [InlineData(BadToken.Expired)]
    [InlineData(BadToken.Tampered)]
    [InlineData(BadToken.SignedByAnotherKey)]
    public async Task TheHub_WithABadBearerToken_Is401AtNegotiateAndConnect_InHeaderOrQuery_NotAnonymous(BadToken kind)
    {
        var token = await BadTokenAsync(kind);
        var http = factory.CreateClient();

        using var byHeader = new HttpRequestMessage(HttpMethod.Post, "/hubs/marketplace/negotiate?negotiateVersion=1");
        byHeader.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(byHeader)).StatusCode);
        var byQuery = await http.PostAsync("/hubs/marketplace/negotiate?negotiateVersion=1&access_token=" + Uri.EscapeDataString(token), null);
        Assert.Equal(HttpStatusCode.Unauthorized, byQuery.StatusCode);
        var connect = await Assert.ThrowsAnyAsync<Exception>(() => LiveClient.ConnectAsync(factory.Server, kind.ToString(), token));
        Assert.Contains("401", connect.ToString());
    }

    [Fact]
    public async Task TheHub_WithoutAToken_OrWithAValidOne_Connects()
    {
        var http = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/hubs/marketplace/negotiate?negotiateVersion=1", null)).StatusCode);
        var token = await LiveClient.TokenAsync(factory, "school2");
        using var byHeader = new HttpRequestMessage(HttpMethod.Post, "/hubs/marketplace/negotiate?negotiateVersion=1");
        byHeader.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(byHeader)).StatusCode);
        await using var signedIn = await LiveClient.ConnectAsync(factory.Server, "school2", token);
        await using var anonymous = await LiveClient.AnonymousAsync(factory);
    }

    private async Task<string> BadTokenAsync(BadToken kind)
    {
        var valid = await LiveClient.TokenAsync(factory, "school2");
        var parts = valid.Split('.');
        switch (kind)
        {
            case BadToken.Garbage:
                return "not-a-token";
            case BadToken.Tampered:
                // The same signature over a payload that now claims the bureau's role.
                var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"School\"", "\"Bureau\"", StringComparison.Ordinal);
                return $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
            case BadToken.SignedByAnotherKey:
                return Issue(new SymmetricSecurityKey(new byte[64]), TimeProvider.System);
            default:
                var key = Convert.FromBase64String((await File.ReadAllTextAsync(Path.Combine(factory.DataDirectory, "jwt-signing.key"))).Trim());
                return Issue(new SymmetricSecurityKey(key), new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-9)));
        }
    }

    private static string Issue(SymmetricSecurityKey key, TimeProvider clock) =>
        new TokenIssuer(key, clock).Issue(new User(Guid.CreateVersion7(), "school2", "", Role.School, Guid.CreateVersion7(), "school2"), []).AccessToken;

    private async Task<List<Guid>> PublishedOfferingsAsync(int count)
    {
        var bureau = await factory.ClientForAsync("bureau-110105");
        var published = (await bureau.GetJsonAsync("/api/offerings?status=Published")).AsArray().Select(o => o!["id"]!.GetValue<Guid>()).Take(count).ToList();
        Assert.Equal(count, published.Count);
        return published;
    }

    /// <summary>A hub client that keeps availability pushes as raw JSON, so a test can see which properties were sent at all.</summary>
    private sealed class RawAvailability : IAsyncDisposable
    {
        private readonly Lock _gate = new();
        private readonly List<JsonElement> _received = [];

        public required HubConnection Connection { get; init; }

        public static async Task<RawAvailability> ConnectAsync(MarketplaceFactory factory, string? token)
        {
            var server = factory.Server;
            var path = "/hubs/marketplace" + (token is null ? "" : "?access_token=" + Uri.EscapeDataString(token));
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(server.BaseAddress, path), o =>
                {
                    o.Transports = HttpTransportType.WebSockets;
                    o.SkipNegotiation = true;
                    o.WebSocketFactory = async (ctx, ct) => await server.CreateWebSocketClient().ConnectAsync(ctx.Uri, ct);
                })
                .Build();
            var client = new RawAvailability { Connection = connection };
            connection.On<JsonElement>(LiveClient.AvailabilityChanged, m => { lock (client._gate) client._received.Add(m); });
            await connection.StartAsync();
            await connection.InvokeAsync("UnwatchOffering", Guid.Empty); // the barrier after OnConnectedAsync (see LiveClient)
            return client;
        }

        public async Task<JsonElement> WaitAsync(Guid sessionId)
        {
            var until = DateTime.UtcNow + Wait;
            while (DateTime.UtcNow < until)
            {
                lock (_gate)
                    foreach (var m in _received.Where(m => m.GetProperty("sessionId").GetGuid() == sessionId))
                        return m;
                await Task.Delay(10);
            }
            throw new Xunit.Sdk.XunitException($"no availabilityChanged for session {sessionId} within {Wait}");
        }

        public ValueTask DisposeAsync() => Connection.DisposeAsync();
    }
}
