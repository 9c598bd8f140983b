using Marketplace.Adapters.Tests.Mongo;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>The queries behind paused offerings (who still holds bookings) and underfilled sessions (what starts soon).</summary>
public abstract partial class StoreContract
{
    [SkippableFact]
    public async Task LiveBookings_OfAnOffering_AreFoundBySchool_OnlyWhileRequestedOrConfirmed()
    {
        await using var db = await CreateAsync();
        var offeringId = Ids.New();
        var session = MongoSamples.Session(offeringId, Ids.New());
        var second = Session.Schedule(offeringId, session.ProviderId, Now.AddDays(8), Now.AddDays(8).AddHours(1), 30);
        var elsewhere = MongoSamples.Session(Ids.New(), session.ProviderId);
        var (requested, confirmed, declined, other) = (Ids.New(), Ids.New(), Ids.New(), Ids.New());
        var a = MongoSamples.Booking(session, requested);
        var b = MongoSamples.Booking(second, confirmed);
        b.Confirm(Now, "provider:user");
        var c = MongoSamples.Booking(session, declined);
        c.Decline("满员", Now, "provider:user");
        var d = MongoSamples.Booking(elsewhere, other);
        var e = MongoSamples.Booking(second, requested); // the same school twice: listed once
        await db.Store.CommitAsync(new StoreChanges().Insert(session).Insert(second).Insert(elsewhere).Insert(a).Insert(b).Insert(c).Insert(d).Insert(e));

        Assert.True(await db.Store.HasLiveBookingAsync(requested, offeringId));
        Assert.True(await db.Store.HasLiveBookingAsync(confirmed, offeringId));
        Assert.False(await db.Store.HasLiveBookingAsync(declined, offeringId));
        Assert.False(await db.Store.HasLiveBookingAsync(other, offeringId));
        var expected = new[] { requested, confirmed }.OrderBy(id => id.ToString("D"), StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, await db.Store.ListSchoolsWithLiveBookingsAsync(offeringId, 10));
        Assert.Equal(expected[..1], await db.Store.ListSchoolsWithLiveBookingsAsync(offeringId, 1));
        Assert.Empty(await db.Store.ListSchoolsWithLiveBookingsAsync(Ids.New(), 10));
    }

    [SkippableFact]
    public async Task SessionsStarting_InAWindow_AreScheduledOnes_OfEveryOffering_ByStart()
    {
        await using var db = await CreateAsync();
        Session At(double hours) => Session.Schedule(Ids.New(), Ids.New(), Now.AddHours(hours), Now.AddHours(hours + 1), 10);
        var (before, first, second, cancelled, after) = (At(-1), At(2), At(30), At(10), At(48));
        cancelled.Cancel("天气");
        await db.Store.CommitAsync(new StoreChanges().Insert(before).Insert(second).Insert(first).Insert(cancelled).Insert(after));

        Assert.Equal([first.Id, second.Id], (await db.Store.ListSessionsStartingAsync(Now, Now.AddHours(48), 10)).Select(s => s.Id));
        Assert.Equal([first.Id], (await db.Store.ListSessionsStartingAsync(Now, Now.AddHours(48), 1)).Select(s => s.Id));
        Assert.Empty(await db.Store.ListSessionsStartingAsync(Now.AddHours(49), Now.AddHours(60), 10));
    }
}
