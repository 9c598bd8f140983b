using System.Collections.Concurrent;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Api.Web;
using Marketplace.Core.Shared;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Api.Tests.Families.Selection.SelectionSetup;

namespace Marketplace.Api.Tests.Families.Selection;

/// <summary>
/// Issue 18, the guardian workspace's live updates: a guardian's step reaches the web pages of that guardian (its own stream) and the
/// pages showing the window (<see cref="LiveAudiences.SelectionWindow"/>: the seats left) — not another guardian's own stream, not the
/// pages of another window.
/// </summary>
public sealed class SelectionLivePagesTests : IDisposable
{
    private readonly FamilyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task AnApplication_ReachesItsGuardiansPages_AndThePagesShowingTheWindow_OnlyThose()
    {
        var booking = await ConfirmedBookingAsync(_factory, "school1", pupils: 3, hoursAhead: 72);
        var school = await _factory.ClientForAsync("school1");
        var windowId = (await (await school.PostJsonAsync("/api/selection-windows", Window("FirstCome", [new { bookingId = booking }]))).AssertStatusAsync(201)).Id();
        var otherWindowId = (await (await school.PostJsonAsync("/api/selection-windows", Window("Lottery", [new { bookingId = booking }]))).AssertStatusAsync(201)).Id();
        var mine = await GuardianAsync(_factory, "school1", 51);
        var other = await GuardianAsync(_factory, "school1", 52);

        var live = _factory.Services.GetRequiredService<LiveUpdates>();
        var (ownPage, windowPage, otherGuardianPage, otherWindowPage) =
            (new ConcurrentQueue<LiveEvent>(), new ConcurrentQueue<LiveEvent>(), new ConcurrentQueue<LiveEvent>(), new ConcurrentQueue<LiveEvent>());
        using var a = live.Subscribe([Audience.Organization(mine.UserId)], e => Enqueue(ownPage, e));
        using var b = live.Subscribe([LiveAudiences.SelectionWindow(windowId)], e => Enqueue(windowPage, e));
        using var c = live.Subscribe([Audience.Organization(other.UserId)], e => Enqueue(otherGuardianPage, e));
        using var d = live.Subscribe([LiveAudiences.SelectionWindow(otherWindowId)], e => Enqueue(otherWindowPage, e));

        await (await mine.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", Apply(mine.PupilId, booking))).AssertStatusAsync(201);

        await WaitForAsync(() => ownPage.Any(e => e.Kind == "selectionChanged" && e.Status == "Submitted"));
        await WaitForAsync(() => windowPage.Any(e => e.Kind == "selectionChanged" && e.Status == "Submitted"));
        await Task.Delay(800); // past the dispatcher's poll: anything misdelivered would have arrived
        Assert.Empty(otherGuardianPage);
        Assert.Empty(otherWindowPage);
        // The window's audience is the page's only: it never goes out as a hub group or into the change feed.
        var feed = await (await mine.Client.GetAsync("/api/events?after=0")).AssertStatusAsync(200);
        Assert.DoesNotContain("ui-selection-window", feed.ToJsonString(), StringComparison.Ordinal);
    }

    private static Task Enqueue(ConcurrentQueue<LiveEvent> queue, LiveEvent e)
    {
        queue.Enqueue(e);
        return Task.CompletedTask;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++) await Task.Delay(50);
        Assert.True(condition(), "not heard within 5 s");
    }
}
