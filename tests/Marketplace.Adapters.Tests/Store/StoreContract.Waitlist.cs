using Marketplace.Adapters.Tests.Mongo;
using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>
/// The waiting list (issue 13, B): entries in queue order by session and status, overdue holds; one live entry per school and
/// session (activeKey), free again once the entry is no longer live; a hold's seats reserved in the commit that releases them.
/// </summary>
public abstract partial class StoreContract
{
    private static WaitlistEntry Waiting(Session session, Guid schoolId, int pupils) => WaitlistEntry.Join(new WaitlistJoinFacts(
        session.Id, session.OfferingId, session.ProviderId, schoolId, "310104", pupils, [3], "王老师", "13800002222", null), Now, "School:x");

    [SkippableFact]
    public async Task Waitlist_IsListedInQueueOrder_ByStatus_AndOverdueHolds()
    {
        await using var db = await CreateAsync();
        var session = MongoSamples.Session(Ids.New(), Ids.New(), capacity: 10);
        var other = MongoSamples.Session(Ids.New(), Ids.New(), capacity: 10);
        var entries = Enumerable.Range(0, 4).Select(i => Waiting(session, Ids.New(), 2)).ToArray();
        var elsewhere = Waiting(other, entries[0].SchoolId, 2);
        var changes = new StoreChanges().Insert(session).Insert(other).Insert(elsewhere);
        foreach (var e in entries.Reverse()) changes.Insert(e); // inserted out of order: the queue is the id order
        await db.Store.CommitAsync(changes);
        var soon = entries[1];
        soon.Hold(Now.AddMinutes(5), Now);
        var later = entries[2];
        later.Hold(Now.AddHours(5), Now);
        await db.Store.CommitAsync(new StoreChanges().Update(soon, 1).Update(later, 1).ReserveSeats(session.Id, 4));

        async Task<List<Guid>> List(WaitlistFilter filter) => [.. (await db.Store.ListWaitlistAsync(filter)).Select(e => e.Id)];
        Assert.Equal(InIdOrder(entries.Select(e => e.Id)), await List(new WaitlistFilter(SessionId: session.Id)));
        Assert.Equal(InIdOrder([entries[0].Id, entries[3].Id]), await List(new WaitlistFilter(SessionId: session.Id, Status: WaitlistStatus.Waiting)));
        Assert.Equal(InIdOrder([entries[0].Id, entries[3].Id], limit: 1), await List(new WaitlistFilter(SessionId: session.Id, Status: WaitlistStatus.Waiting, Limit: 1)));
        Assert.Equal([soon.Id], await List(new WaitlistFilter(Status: WaitlistStatus.Held, HeldBefore: Now.AddHours(1))));
        Assert.Equal(InIdOrder([entries[0].Id, elsewhere.Id]), await List(new WaitlistFilter(SchoolId: entries[0].SchoolId)));
        var stored = Assert.Single(await db.Store.ListWaitlistAsync(new WaitlistFilter(SessionId: session.Id, Status: WaitlistStatus.Held, HeldBefore: Now.AddMinutes(6))));
        Assert.Equal((Now.AddMinutes(5), 2L, 2), (stored.HeldUntil, stored.Version, stored.Pupils));
        Assert.Equal(4, (await db.Store.FindAsync<Session>(session.Id))!.Reserved);
    }

    [SkippableFact]
    public async Task Waitlist_OneLiveEntryPerSchoolAndSession()
    {
        await using var db = await CreateAsync();
        var session = MongoSamples.Session(Ids.New(), Ids.New(), capacity: 10);
        var school = Ids.New();
        var first = Waiting(session, school, 3);
        await db.Store.CommitAsync(new StoreChanges().Insert(session).Insert(first));

        var duplicate = await Assert.ThrowsAsync<DuplicateException>(() => db.Store.CommitAsync(new StoreChanges().Insert(Waiting(session, school, 4))));
        Assert.Equal("activeKey", duplicate.Field);
        Assert.Single(await db.Store.ListWaitlistAsync(new WaitlistFilter(SessionId: session.Id)));

        first.Leave(Now, "School:x");
        var again = Waiting(session, school, 4);
        var third = Waiting(session, Ids.New(), 4);
        third.Leave(Now, "School:y"); // two entries that are no longer live: neither holds the key
        await db.Store.CommitAsync(new StoreChanges().Update(first, 1).Insert(third));
        await db.Store.CommitAsync(new StoreChanges().Insert(again));
        Assert.Equal(3, (await db.Store.ListWaitlistAsync(new WaitlistFilter(SessionId: session.Id))).Count);
    }

    /// <summary>A full session: the release precedes the hold's reservation in the change set, so the hold fits; a hold beyond it fails whole.</summary>
    [SkippableFact]
    public async Task Waitlist_AHoldTakesTheSeatsItsCommitReleases()
    {
        await using var db = await CreateAsync();
        var pupils = MongoSamples.Booking(MongoSamples.Session(Ids.New(), Ids.New()), Ids.New()).Pupils;
        var session = MongoSamples.Session(Ids.New(), Ids.New(), capacity: pupils);
        var booking = MongoSamples.Booking(session, Ids.New()); // fills the session
        var entry = Waiting(session, Ids.New(), booking.Pupils);
        var big = Waiting(session, Ids.New(), booking.Pupils + 1);
        await db.Store.CommitAsync(new StoreChanges().Insert(session).Insert(booking).ReserveSeats(session.Id, booking.Pupils).Insert(entry).Insert(big));

        big.Hold(Now.AddHours(1), Now);
        await Assert.ThrowsAsync<SeatsUnavailableException>(() => db.Store.CommitAsync(
            new StoreChanges().Update(big, 1).ReleaseSeats(session.Id, booking.Pupils).ReserveSeats(session.Id, big.Pupils)));
        Assert.Equal((WaitlistStatus.Waiting, booking.Pupils), ((await db.Store.FindAsync<WaitlistEntry>(big.Id))!.Status, (await db.Store.FindAsync<Session>(session.Id))!.Reserved));

        booking.CancelByProvider("改期", Now, "Provider:x");
        entry.Hold(Now.AddHours(1), Now);
        await db.Store.CommitAsync(new StoreChanges().Update(booking, 1).Update(entry, 1)
            .ReleaseSeats(session.Id, booking.Pupils).ReserveSeats(session.Id, entry.Pupils));
        Assert.Equal(booking.Pupils, (await db.Store.FindAsync<Session>(session.Id))!.Reserved);
        Assert.Equal(WaitlistStatus.Held, (await db.Store.FindAsync<WaitlistEntry>(entry.Id))!.Status);
    }
}
