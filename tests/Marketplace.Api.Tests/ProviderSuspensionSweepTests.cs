using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests;

public sealed class FastSweepFactory() : MarketplaceFactory(new Dictionary<string, string?> { ["Marketplace:BookingExpirySweep"] = "00:00:00.200" });

/// <summary>The booking sweep also declines requests that slipped in while their provider was being suspended.</summary>
public sealed class ProviderSuspensionSweepTests(FastSweepFactory factory) : IClassFixture<FastSweepFactory>
{
    /// <summary>
    /// A request that read the provider as approved just before the suspension committed, and committed just after it,
    /// is not in the suspension's list. The store is written directly to put one there deterministically.
    /// </summary>
    [Fact]
    public async Task ARequestThatCommittedJustAfterTheSuspension_IsDeclinedByTheNextSweep()
    {
        var (_, offeringId, sessionId) = await ProviderSuspensionTests.FreshSessionAsync(factory, "provider10", 30);
        var providerId = await factory.OrganizationOfAsync("provider10");
        var school = await factory.ClientForAsync("school8"); // in 滨江 (330108), where the provider is suspended
        var bureau = await factory.ClientForAsync("bureau-330108");
        (await bureau.PostJsonAsync($"/api/providers/{providerId}/suspend", new { reason = "资质过期" })).EnsureSuccessStatusCode();

        var store = factory.Services.GetRequiredService<IMarketplaceStore>();
        var session = (await store.FindAsync<Session>(sessionId))!;
        var schoolDoc = (await store.FindAsync<School>(await factory.OrganizationOfAsync("school8")))!;
        var snapshot = BookingQueries.SnapshotOf((await store.FindAsync<Offering>(offeringId))!, (await store.FindAsync<Provider>(providerId))!,
            schoolDoc, session, schoolDoc.DistrictCode);
        var now = DateTimeOffset.UtcNow;
        var straggler = Booking.Request(new BookingRequestFacts(sessionId, offeringId, providerId, schoolDoc.Id, schoolDoc.DistrictCode, 2, [3],
            "李老师", "13900001111", null, 500, session.StartsAt, 24, TimeSpan.FromHours(48), snapshot), now, "School:school8");
        await store.CommitAsync(new StoreChanges().Insert(straggler).ReserveSeats(sessionId, 2).Publish(BookingEvents.Changed(straggler, null, now)));

        var declined = await BookingTests.WaitForAsync(async () =>
        {
            var b = await school.GetJsonAsync($"/api/bookings/{straggler.Id}");
            return b["status"]!.GetValue<string>() == "Declined" ? b : null;
        }, TimeSpan.FromSeconds(5));
        Assert.Contains("资质过期", declined["history"]!.AsArray()[^1]!["reason"]!.GetValue<string>());
        Assert.Equal(30, (await bureau.GetJsonAsync($"/api/offerings/{offeringId}/sessions")).AsArray()[0]!["freeSeats"]!.GetValue<int>());
    }
}
