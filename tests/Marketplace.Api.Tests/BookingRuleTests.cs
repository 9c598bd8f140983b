using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests;

/// <summary>Booking rules that match practice (issue 13): withdrawing unconfirmed requests, lead times, minGroup on campus.</summary>
public class BookingRuleTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    /// <summary>
    /// A request made inside the cancellation cut-off could neither be confirmed in time nor withdrawn: the school may always
    /// withdraw a booking the provider has not confirmed; a confirmed one only before the cut-off.
    /// </summary>
    [Fact]
    public async Task WithdrawInsideCutoff_IsAllowedWhileUnconfirmed_AndRefusedOnceConfirmed()
    {
        var (provider, _, sessionId) = await BookingTests.FreshSessionAsync(factory, 20, hoursAhead: 12); // cut-off is 24 h before
        var school = await factory.ClientForAsync("school1");
        var requested = await (await school.SendAsync(BookingTests.Book(sessionId, 4, [3], "withdraw-cutoff-01"))).AssertStatusAsync(201);

        var withdrawn = await (await school.PostJsonAsync($"/api/bookings/{requested["id"]}/cancel", new { })).AssertStatusAsync(200);
        Assert.Equal("Cancelled", withdrawn["status"]!.GetValue<string>());

        var confirmed = await (await school.SendAsync(BookingTests.Book(sessionId, 4, [3], "withdraw-cutoff-02"))).AssertStatusAsync(201);
        (await provider.PostJsonAsync($"/api/bookings/{confirmed["id"]}/confirm", null)).EnsureSuccessStatusCode();
        var refused = await (await school.PostJsonAsync($"/api/bookings/{confirmed["id"]}/cancel", new { })).AssertProblemAsync(409);
        Assert.Equal("booking-cancel-cutoff", refused["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task LeadTime_OffCampus24h()
    {
        var (_, _, sessions) = await BookingSeriesTests.OfferingWithSessionsAsync(factory, 2, 30, mode: "OffCampus", firstHoursAhead: 12);
        var school = await factory.ClientForAsync("school1");

        var refused = await (await school.SendAsync(BookingTests.Book(sessions[0].Id, 5, [3], "lead-off-campus-01"))).AssertProblemAsync(409);

        Assert.Equal("booking-lead-time", refused["code"]!.GetValue<string>());
        Assert.Equal(24, refused["leadHours"]!.GetValue<int>());
        Assert.Contains("24", refused["detail"]!.GetValue<string>());
        await (await school.SendAsync(BookingTests.Book(sessions[1].Id, 5, [3], "lead-off-campus-02"))).AssertStatusAsync(201); // 3 days ahead
    }

    [Fact]
    public async Task LeadTime_OnCampus2h()
    {
        var (_, _, soon) = await BookingTests.FreshSessionAsync(factory, 20, hoursAhead: 1);
        var (_, _, later) = await BookingTests.FreshSessionAsync(factory, 20, hoursAhead: 3);
        var school = await factory.ClientForAsync("school1");

        var refused = await (await school.SendAsync(BookingTests.Book(soon, 5, [3], "lead-on-campus-01"))).AssertProblemAsync(409);
        Assert.Equal("booking-lead-time", refused["code"]!.GetValue<string>());
        Assert.Equal(2, refused["leadHours"]!.GetValue<int>());
        await (await school.SendAsync(BookingTests.Book(later, 5, [3], "lead-on-campus-02"))).AssertStatusAsync(201);
    }

    [Fact]
    public async Task LeadTime_OfferingOverride()
    {
        var (provider, offeringId, sessions) = await BookingSeriesTests.OfferingWithSessionsAsync(factory, 2, 30, minLeadHours: 48, firstHoursAhead: 30);
        Assert.Equal(48, (await provider.GetJsonAsync($"/api/offerings/{offeringId}"))["minLeadHours"]!.GetValue<int>());
        var school = await factory.ClientForAsync("school1");

        var refused = await (await school.SendAsync(BookingTests.Book(sessions[0].Id, 5, [3], "lead-override-0001"))).AssertProblemAsync(409);
        Assert.Equal(48, refused["leadHours"]!.GetValue<int>());
        await (await school.SendAsync(BookingTests.Book(sessions[1].Id, 5, [3], "lead-override-0002"))).AssertStatusAsync(201); // 4 days ahead

        // In a series, a session inside the lead time is not booked, and says why.
        var series = await (await school.SendAsync(BookingSeriesTests.Series(BookingSeriesTests.RangeBody(offeringId, sessions, 5), "lead-override-0003"))).AssertStatusAsync(201);
        Assert.Equal("lead-time", series["unbooked"]!.AsArray().Single()!["reason"]!.GetValue<string>());
        Assert.Equal(sessions[1].Id, series["sessions"]!.AsArray().Single()!["sessionId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task LeadTime_IsConfigurable()
    {
        using var configured = new MarketplaceFactory(new Dictionary<string, string?> { ["Marketplace:Booking:MinLeadHoursOnCampus"] = "0" });
        var (_, _, soon) = await BookingTests.FreshSessionAsync(configured, 20, hoursAhead: 1);
        var school = await configured.ClientForAsync("school1");
        await (await school.SendAsync(BookingTests.Book(soon, 5, [3], "lead-configured-01"))).AssertStatusAsync(201);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(337)]
    public async Task MinLeadHours_OutOfRange_Is400(int hours)
    {
        var provider = await factory.ClientForAsync("provider1");
        var body = new
        {
            title = "校园足球训练营", summary = "基础技术与团队配合", category = "Sports", mode = "OnCampus", grades = new[] { 3 },
            minGroup = 1, maxGroup = 40, durationMinutes = 90, priceFen = 500, districts = new[] { "110101" }, minLeadHours = hours,
        };
        await (await provider.PostJsonAsync("/api/offerings", body)).AssertProblemAsync(400, "minLeadHours");
    }

    /// <summary>请进来: the provider comes for this school's group alone, so a group below minGroup is refused; 走出去 groups fill a session together.</summary>
    [Fact]
    public async Task OnCampusBelowMinGroup_IsRefused_OffCampusIsNot()
    {
        var (_, _, onCampus) = await BookingSeriesTests.OfferingWithSessionsAsync(factory, 1, 30, minGroup: 10);
        var (_, _, offCampus) = await BookingSeriesTests.OfferingWithSessionsAsync(factory, 1, 30, mode: "OffCampus", minGroup: 10);
        var school = await factory.ClientForAsync("school1");

        var refused = await (await school.SendAsync(BookingTests.Book(onCampus[0].Id, 5, [3], "min-group-on-0001"))).AssertProblemAsync(400, "pupils");
        Assert.Equal("booking.min-group", refused["codes"]!["pupils"]!.AsArray()[0]!.GetValue<string>());
        await (await school.SendAsync(BookingTests.Book(onCampus[0].Id, 10, [3], "min-group-on-0002"))).AssertStatusAsync(201);
        await (await school.SendAsync(BookingTests.Book(offCampus[0].Id, 5, [3], "min-group-off-0001"))).AssertStatusAsync(201);
    }
}
