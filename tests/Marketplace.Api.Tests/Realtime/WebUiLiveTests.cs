using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Api.Web;
using Marketplace.Core.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests.Realtime;

/// <summary>
/// The web UI's live updates across instances: a page open on instance B (a <see cref="LiveUpdates"/> subscription there)
/// hears a booking committed on instance A, once per event, and only for its own audiences. With a Redis backplane the hub's
/// live consumer is claimed by one instance; the UI's is per instance, so both instances' pages hear every event.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class WebUiLiveTests(ScaleOutFixture scaleOut) : IClassFixture<ScaleOutFixture>
{
    [Fact]
    public async Task PagesOnBothInstances_HearAChangeCommittedOnOne_OncePerEvent_ForTheirAudiencesOnly()
    {
        var (a, b) = (scaleOut.A, scaleOut.B);
        var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(a, 30);
        var school = await a.ClientForAsync("school1");
        var token = await (await a.CreateClient().PostAsJsonAsync("/api/auth/token", new { username = "school1", password = MarketplaceFactory.Password })).ReadJsonAsync();
        var school1Id = token["organizationId"]!.GetValue<Guid>();
        var heardOnB = new ConcurrentQueue<LiveEvent>();
        var heardOnA = new ConcurrentQueue<LiveEvent>();
        var strangerHeard = new ConcurrentQueue<LiveEvent>();
        using var pageOnB = b.Services.GetRequiredService<LiveUpdates>().Subscribe(
            [Audience.Organization(school1Id), Audience.Offering(offeringId)], e => { heardOnB.Enqueue(e); return Task.CompletedTask; });
        using var pageOnA = a.Services.GetRequiredService<LiveUpdates>().Subscribe(
            [Audience.Offering(offeringId)], e => { heardOnA.Enqueue(e); return Task.CompletedTask; });
        using var stranger = b.Services.GetRequiredService<LiveUpdates>().Subscribe(
            [Audience.Organization(Guid.NewGuid())], e => { strangerHeard.Enqueue(e); return Task.CompletedTask; });

        var response = await school.SendAsync(BookingTests.Book(sessionId, 9, [3], "web-ui-live-01"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var bookingId = (await response.ReadJsonAsync())["id"]!.GetValue<Guid>();

        var requested = await WaitForAsync(() => heardOnB.FirstOrDefault(e => e.BookingId == bookingId && e.Status == "Requested"), TimeSpan.FromSeconds(3));
        // Seats are read at delivery: the session's scheduling (30 free) may still be on its way to B; the booking's leaves 21.
        await WaitForAsync(() => heardOnB.FirstOrDefault(e => e.SessionId == sessionId && e.FreeSeats == 21), TimeSpan.FromSeconds(3));
        await WaitForAsync(() => heardOnA.FirstOrDefault(e => e.SessionId == sessionId && e.FreeSeats == 21), TimeSpan.FromSeconds(3));

        await Task.Delay(TimeSpan.FromMilliseconds(800)); // past the dispatcher's 500 ms poll: a second delivery would have shown
        Assert.Single(heardOnB, e => e.BookingId == bookingId && e.Status == "Requested");
        Assert.Equal(heardOnB.Count, heardOnB.Select(e => (e.Cursor, e.SessionId)).Distinct().Count());
        Assert.Empty(strangerHeard);
        Assert.True(requested.Cursor > 0);
    }

    [Fact]
    public async Task ABrowserSignedInOnOneInstance_IsSignedInOnTheOther_WithTheSharedKeyRing()
    {
        var a = scaleOut.A.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var login = await a.GetAsync("/login");
        var html = await login.Content.ReadAsStringAsync();
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var antiforgeryCookie = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).ToList();
        var post = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["username"] = "school2", ["password"] = MarketplaceFactory.Password, ["__RequestVerificationToken"] = token,
            }),
        };
        post.Headers.Add("Cookie", string.Join("; ", antiforgeryCookie));
        var signedIn = await a.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var authCookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("marketplace.auth=", StringComparison.Ordinal)).Split(';')[0];

        var onB = new HttpRequestMessage(HttpMethod.Get, "/account");
        onB.Headers.Add("Cookie", authCookie);
        var page = await scaleOut.B.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }).SendAsync(onB);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    private static async Task<LiveEvent> WaitForAsync(Func<LiveEvent?> probe, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            if (probe() is { } found) return found;
            Assert.True(DateTime.UtcNow < until, $"nothing heard within {timeout.TotalSeconds} s");
            await Task.Delay(20);
        }
    }
}
