using Marketplace.E2E.Tests.Infrastructure;
using Marketplace.E2E.Tests.School;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.E2E.Tests.Live;

/// <summary>
/// Live pages with two host instances sharing the store and the Redis backplane: pages open on instance B change without
/// reload when the change is committed on instance A (the UI hears the same outbox events, not an in-process shortcut).
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class TwoInstancesLiveTests(Browser browser)
{
    public sealed class Hosts : IDisposable
    {
        public TwoInstances Pair { get; } = new();

        public void Dispose() => Pair.Dispose();
    }

    private const string SkipReason = "Debian chromium is not installed (./test.sh installs it)";

    [SkippableFact]
    public async Task ConfirmedOnA_TheSchoolsBookingsPageOnB_ShowsConfirmed_AndSeatsTakenOnA_DropTheCountOnB()
    {
        Skip.IfNot(Browser.Available, SkipReason);
        using var hosts = new Hosts();
        var (a, b) = (hosts.Pair.A, hosts.Pair.B);
        var onA = new DemoApi(a);
        var (offeringId, sessions) = await onA.OfferingAsync("双实例直播测试课", capacity: 30, sessions: 1);
        var bookingId = await onA.BookAsync("school2", sessions[0], 8);

        await using var schoolOnB = await browser.ContextAsync(b);
        var bookings = await Ui.SignInAsync(schoolOnB, "school2", "/school/bookings");
        var tag = bookings.Locator($"[data-testid=booking-row][data-id='{bookingId}'] [data-status]");
        await Expect(tag).ToHaveAttributeAsync("data-status", "Requested");
        await using var watcherOnB = await browser.ContextAsync(b);
        var offering = await Ui.SignInAsync(watcherOnB, "school3", $"/school/offerings/{offeringId}");
        var seats = offering.Locator($"[data-testid=session][data-id='{sessions[0]}'] [data-testid=free-seats]");
        await Expect(seats).ToHaveAttributeAsync("data-free", "22");

        var provider = await onA.ClientForAsync("provider1");
        (await provider.PostAsync($"/api/bookings/{bookingId}/confirm", null)).EnsureSuccessStatusCode();
        await onA.BookAsync("school4", sessions[0], 5);

        await Expect(tag).ToHaveAttributeAsync("data-status", "Confirmed", new() { Timeout = 5000 });
        await Expect(tag).ToHaveTextAsync("已确认");
        await Expect(seats).ToHaveAttributeAsync("data-free", "17", new() { Timeout = 5000 });
        Assert.Empty(browser.ExternalRequests);
    }
}
