using Marketplace.Adapters.Tests.Mongo;
using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>Issue 13: a commit names every seat reservation that did not fit, and booking series are stored and listed.</summary>
public abstract partial class StoreContract
{
    /// <summary>
    /// A series commits many reservations at once: when some do not fit, the store carries on with the rest and reports every
    /// short session with its seats left (in the order of the changes), then rolls the whole commit back.
    /// </summary>
    [SkippableFact]
    public async Task Seats_EveryShortfallIsReported_AndNothingOfTheCommitIsWritten()
    {
        await using var db = await CreateAsync();
        var offeringId = Ids.New();
        var providerId = Ids.New();
        var a = MongoSamples.Session(offeringId, providerId, capacity: 5);
        var b = MongoSamples.Session(offeringId, providerId, capacity: 5);
        var c = MongoSamples.Session(offeringId, providerId, capacity: 5);
        await db.Store.CommitAsync(new StoreChanges().Insert(a).Insert(b).Insert(c).ReserveSeats(a.Id, 4).ReserveSeats(c.Id, 2));
        var bystander = MongoSamples.Provider();

        var refused = await Assert.ThrowsAsync<SeatsUnavailableException>(() => db.Store.CommitAsync(new StoreChanges()
            .Insert(bystander).ReserveSeats(a.Id, 3).ReserveSeats(b.Id, 3).ReserveSeats(c.Id, 4)));

        Assert.Equal([new SeatShortfall(a.Id, 1), new SeatShortfall(c.Id, 3)], refused.Shortfalls);
        Assert.Equal((a.Id, 1), (refused.SessionId, refused.SeatsLeft));
        Assert.Equal(2, ((IReadOnlyList<SeatShortfall>)refused.Extensions["sessions"]!).Count);
        Assert.Equal([4, 0, 2], (await db.Store.FindManyAsync<Session>([a.Id, b.Id, c.Id])).OrderBy(s => s.Id == a.Id ? 0 : s.Id == b.Id ? 1 : 2).Select(s => s.Reserved));
        Assert.Null(await db.Store.FindAsync<Provider>(bystander.Id));

        // One short session alone: as before, seatsLeft and no list.
        var single = await Assert.ThrowsAsync<SeatsUnavailableException>(() => db.Store.CommitAsync(new StoreChanges().ReserveSeats(a.Id, 2)));
        Assert.Single(single.Shortfalls);
        Assert.False(single.Extensions.ContainsKey("sessions"));
    }

    [SkippableFact]
    public async Task BookingSeries_AreStored_AndListedNewestFirstBySchoolProviderDistrictStatusAndExpiry()
    {
        await using var db = await CreateAsync();
        var session = MongoSamples.Session(Ids.New(), Ids.New());
        var schoolA = Ids.New();
        var schoolB = Ids.New();
        // Version-7 ids made in the same millisecond are not ordered among themselves: these are, as the stores order them.
        var ids = Enumerable.Range(0, 3).Select(_ => Ids.New()).OrderBy(id => id.ToString("D"), StringComparer.Ordinal).ToArray();
        var first = Series(ids[0], session, schoolA, "310104", TimeSpan.FromHours(1));
        var second = Series(ids[1], session, schoolA, "310105", TimeSpan.FromHours(100));
        var third = Series(ids[2], session, schoolB, "310104", TimeSpan.FromHours(100));
        third.Confirm(MongoSamples.Now, "Provider:p");
        await db.Store.CommitAsync(new StoreChanges().Insert(first).Insert(second).Insert(third));
        async Task<List<Guid>> List(SeriesFilter f) => [.. (await db.Store.ListBookingSeriesAsync(f)).Select(s => s.Id)];

        Assert.Equal(StoreJson.Serialize(first), StoreJson.Serialize(await db.Store.FindAsync<BookingSeries>(first.Id)));
        Assert.Equal([second.Id, first.Id], await List(new SeriesFilter(SchoolId: schoolA)));
        Assert.Equal([third.Id, second.Id, first.Id], await List(new SeriesFilter(ProviderId: session.ProviderId)));
        Assert.Equal([third.Id, first.Id], await List(new SeriesFilter(Districts: ["310104"])));
        Assert.Equal([first.Id], await List(new SeriesFilter(Districts: ["310104"], Status: SeriesStatus.Requested)));
        Assert.Equal([first.Id], await List(new SeriesFilter(Status: SeriesStatus.Requested, ExpiresBefore: MongoSamples.Now.AddHours(2))));
        Assert.Equal([first.Id], await List(new SeriesFilter(SchoolId: schoolA, Before: second.Id)));
        Assert.Equal([third.Id], await List(new SeriesFilter(ProviderId: session.ProviderId, Limit: 1)));
    }

    private static BookingSeries Series(Guid id, Session session, Guid schoolId, string district, TimeSpan window)
    {
        var facts = new SeriesFacts(session.OfferingId, session.ProviderId, schoolId, district, 12, [3, 4], "四（2）班", "王老师", "李老师", "13900000000",
            null, DateOnly.FromDateTime(session.StartsAt.UtcDateTime), DateOnly.FromDateTime(session.StartsAt.UtcDateTime), false, 3000, window,
            MongoSamples.Snapshot(session));
        return BookingSeries.Request(id, facts, [new SeriesSession(session.Id, Ids.New(), session.StartsAt)],
            [new UnbookedSession(Ids.New(), session.StartsAt.AddDays(7), UnbookedReasons.SeatsUnavailable, 2)], MongoSamples.Now, "School:school1");
    }
}
