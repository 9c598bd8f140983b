using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests;

public class BookingExpiryTests
{
    [Fact]
    public async Task UnansweredRequest_Expires_AndItsSeatsReturn()
    {
        using var factory = new MarketplaceFactory(new Dictionary<string, string?>
        {
            ["Marketplace:BookingResponseWindow"] = "00:00:01", ["Marketplace:BookingExpirySweep"] = "00:00:00.200",
        });
        var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 20);
        var school = await factory.ClientForAsync("school1");
        var id = (await (await school.SendAsync(BookingTests.Book(sessionId, 6, [3], "expiry-key-00001"))).ReadJsonAsync())["id"]!.GetValue<Guid>();

        var expired = await BookingTests.WaitForAsync(async () =>
        {
            var b = await school.GetJsonAsync($"/api/bookings/{id}");
            return b["status"]!.GetValue<string>() == "Expired" ? b : null;
        }, TimeSpan.FromSeconds(10));
        Assert.Equal("system", expired["history"]!.AsArray()[^1]!["by"]!.GetValue<string>());
        Assert.Equal(20, (await provider.GetJsonAsync($"/api/offerings/{offeringId}/sessions")).AsArray()[0]!["freeSeats"]!.GetValue<int>());
        await (await provider.PostJsonAsync($"/api/bookings/{id}/confirm", null)).AssertProblemAsync(409);
    }

    /// <summary>The sweep runs every so often; between the deadline and the sweep a confirmation is refused all the same.</summary>
    [Fact]
    public async Task ConfirmingAfterTheDeadline_IsRefused_EvenBeforeTheSweepMarksIt()
    {
        using var factory = new MarketplaceFactory(new Dictionary<string, string?>
        {
            ["Marketplace:BookingResponseWindow"] = "00:00:01", ["Marketplace:BookingExpirySweep"] = "01:00:00",
        });
        var (provider, _, sessionId) = await BookingTests.FreshSessionAsync(factory, 20);
        var school = await factory.ClientForAsync("school1");
        var id = (await (await school.SendAsync(BookingTests.Book(sessionId, 6, [3], "late-confirm-0001"))).ReadJsonAsync())["id"]!.GetValue<Guid>();
        await Task.Delay(TimeSpan.FromSeconds(1.2));

        var refused = await (await provider.PostJsonAsync($"/api/bookings/{id}/confirm", null)).AssertProblemAsync(409);
        Assert.Equal("booking-expired", refused["code"]!.GetValue<string>());
        Assert.Equal("Requested", (await school.GetJsonAsync($"/api/bookings/{id}"))["status"]!.GetValue<string>());
    }
}
