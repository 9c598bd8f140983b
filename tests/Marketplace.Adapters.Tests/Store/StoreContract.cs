using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

using Marketplace.Adapters.Tests.Mongo;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>
/// The store port's guarantees, run against every adapter: SQLite always, MongoDB when
/// MARKETPLACE_TEST_MONGODB_URI is set (otherwise reported skipped with the reason).
/// </summary>
public abstract partial class StoreContract
{
    /// <summary>A fresh, empty, initialised store; disposing it removes its data.</summary>
    protected abstract Task<IStoreUnderTest> CreateAsync();

    private static readonly DateTimeOffset Now = MongoSamples.Now;

    [SkippableFact]
    public async Task Insert_ThenFind_ReturnsTheSameDocument()
    {
        await using var db = await CreateAsync();
        var provider = MongoSamples.Provider();

        await db.Store.CommitAsync(new StoreChanges().Insert(provider));

        Assert.Equal(StoreJson.Serialize(provider), StoreJson.Serialize(await db.Store.FindAsync<Provider>(provider.Id)));
        Assert.Equal(provider.Id, (await db.Store.FindProviderByCreditCodeAsync(" 91310000ma1fl8xq3k "))?.Id);
        Assert.Single(await db.Store.FindManyAsync<Provider>([provider.Id, Ids.New()]));
        Assert.Single(await db.Store.ListProvidersAsync(new ProviderFilter(Status: ProviderStatus.Pending)));
        Assert.Empty(await db.Store.ListProvidersAsync(new ProviderFilter(Status: ProviderStatus.Approved)));
    }

    [SkippableFact]
    public async Task Update_WithStaleVersion_ConflictsAndWritesNothing()
    {
        await using var db = await CreateAsync();
        var offering = MongoSamples.Offering(Ids.New());
        await db.Store.CommitAsync(new StoreChanges().Insert(offering));
        var first = (await db.Store.FindAsync<Offering>(offering.Id))!;
        var second = (await db.Store.FindAsync<Offering>(offering.Id))!;
        first.Submit(Now);
        await db.Store.CommitAsync(new StoreChanges().Update(first, 1));
        second.Archive(Now);
        var bystander = MongoSamples.Provider();

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => db.Store.CommitAsync(new StoreChanges().Insert(bystander).Update(second, 1)));

        var stored = (await db.Store.FindAsync<Offering>(offering.Id))!;
        Assert.Equal((OfferingStatus.PendingReview, 2L), (stored.Status, stored.Version));
        Assert.Null(await db.Store.FindAsync<Provider>(bystander.Id));
    }

    [SkippableFact]
    public async Task Delete_ChecksTheVersion()
    {
        await using var db = await CreateAsync();
        var offering = MongoSamples.Offering(Ids.New());
        await db.Store.CommitAsync(new StoreChanges().Insert(offering));

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => db.Store.CommitAsync(new StoreChanges().Delete(offering, 9)));
        await db.Store.CommitAsync(new StoreChanges().Delete(offering, 1));

        Assert.Null(await db.Store.FindAsync<Offering>(offering.Id));
    }

    [SkippableFact]
    public async Task Insert_DuplicateUsername_IsRefusedNamingTheField()
    {
        await using var db = await CreateAsync();
        var first = MongoSamples.User("zhang.san");
        await db.Store.CommitAsync(new StoreChanges().Insert(first));

        var error = await Assert.ThrowsAsync<DuplicateException>(() => db.Store.CommitAsync(new StoreChanges().Insert(MongoSamples.User("zhang.san"))));

        Assert.Equal("username", error.Field);
        Assert.Equal(first.Id, (await db.Store.FindUserAsync(" Zhang.San "))?.Id);
    }

    [SkippableFact]
    public async Task ReserveSeats_UnderFiftyParallelCommits_NeverExceedsCapacity()
    {
        await using var db = await CreateAsync();
        var session = MongoSamples.Session(Ids.New(), Ids.New(), capacity: 10);
        await db.Store.CommitAsync(new StoreChanges().Insert(session));

        var attempts = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            try
            {
                await db.Store.CommitAsync(new StoreChanges().ReserveSeats(session.Id, 1));
                return (int?)null;
            }
            catch (SeatsUnavailableException e)
            {
                return e.SeatsLeft;
            }
        }));
        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(10, outcomes.Count(o => o is null));
        Assert.All(outcomes.Where(o => o is not null), left => Assert.Equal(0, left));
        var stored = (await db.Store.FindAsync<Session>(session.Id))!;
        Assert.Equal((10, session.Version + 10), (stored.Reserved, stored.Version));
    }

    [SkippableFact]
    public async Task ReserveSeats_OnACancelledSession_ReportsNoneLeft_AndReleaseFreesSeats()
    {
        await using var db = await CreateAsync();
        var open = MongoSamples.Session(Ids.New(), Ids.New(), capacity: 5);
        var cancelled = MongoSamples.Session(Ids.New(), Ids.New(), capacity: 5);
        cancelled.Cancel("场地维修");
        await db.Store.CommitAsync(new StoreChanges().Insert(open).Insert(cancelled).ReserveSeats(open.Id, 4));

        var refused = await Assert.ThrowsAsync<SeatsUnavailableException>(() => db.Store.CommitAsync(new StoreChanges().ReserveSeats(cancelled.Id, 1)));
        var tooMany = await Assert.ThrowsAsync<SeatsUnavailableException>(() => db.Store.CommitAsync(new StoreChanges().ReserveSeats(open.Id, 2)));
        await db.Store.CommitAsync(new StoreChanges().ReleaseSeats(open.Id, 3));

        Assert.Equal((0, 1), (refused.SeatsLeft, tooMany.SeatsLeft));
        Assert.Equal(1, (await db.Store.FindAsync<Session>(open.Id))!.Reserved);
    }

    [SkippableFact]
    public async Task Events_GetIncreasingCursors_AndFilterByAudience()
    {
        await using var db = await CreateAsync();
        var parallel = Enumerable.Range(0, 20).Select(i => Task.Run(() => db.Store.CommitAsync(new StoreChanges().Publish(Event("public")))));
        await Task.WhenAll(parallel);
        await db.Store.CommitAsync(new StoreChanges().Publish(Event("school:a")).Publish(Event("provider:b", "public")));

        var all = await db.Feed.ReadEventsAsync(0, null, 100);
        var forSchool = await db.Feed.ReadEventsAsync(0, ["school:a"], 100);
        var tail = await db.Feed.ReadEventsAsync(20, ["public"], 100);

        Assert.Equal(Enumerable.Range(1, 22).Select(i => (long)i), all.Select(e => e.Cursor));
        Assert.Equal(21L, Assert.Single(forSchool).Cursor);
        Assert.Equal(["provider:b", "public"], Assert.Single(tail).Audiences);
        Assert.Equal(22L, await db.Feed.GetLatestCursorAsync());
    }

    [SkippableFact]
    public async Task Idempotency_SameKeyTwice_IsADuplicateAndRollsBackTheCommit()
    {
        await using var db = await CreateAsync();
        var record = new IdempotencyRecord("bookings:school-1", "key-1", "hash", Guid.NewGuid(), """{"ok":true}""", Now);
        await db.Store.CommitAsync(new StoreChanges().Remember(record));
        var bystander = MongoSamples.Provider();

        var error = await Assert.ThrowsAsync<DuplicateException>(() => db.Store.CommitAsync(new StoreChanges().Insert(bystander).Remember(record)));

        Assert.Equal(IdempotencyRecord.KeyField, error.Field);
        Assert.Equal(record, await db.Store.FindIdempotencyAsync("bookings:school-1", "key-1"));
        Assert.Null(await db.Store.FindAsync<Provider>(bystander.Id));
    }

    /// <summary>A rebuild's reset is stored complemented (negative); the store keeps it as it is, and advances from it.</summary>
    [SkippableFact]
    public async Task Checkpoint_MissingIsZero_AndANegativeResetIsKeptAndAdvancedFrom()
    {
        await using var db = await CreateAsync();

        Assert.Equal(0, await db.Feed.GetCheckpointAsync("other"));
        await db.Feed.ResetCheckpointAsync("index", ~7L);
        Assert.Equal(~7L, await db.Feed.GetCheckpointAsync("index"));
        Assert.False(await db.Feed.TryAdvanceCheckpointAsync("index", 7, 9));
        Assert.True(await db.Feed.TryAdvanceCheckpointAsync("index", ~7L, 9));
        Assert.Equal(9, await db.Feed.GetCheckpointAsync("index"));
    }

    [SkippableFact]
    public async Task Checkpoint_ResetMovesBackwards_AndCompareAndSetHasOneWinner()
    {
        await using var db = await CreateAsync();

        await db.Feed.ResetCheckpointAsync("index", 9);
        await db.Feed.ResetCheckpointAsync("index", 4);
        Assert.Equal(4, await db.Feed.GetCheckpointAsync("index"));

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => db.Feed.TryAdvanceCheckpointAsync("live", 0, 12)));
        Assert.Equal(1, claims.Count(won => won));
        Assert.False(await db.Feed.TryAdvanceCheckpointAsync("live", 0, 20));
        Assert.True(await db.Feed.TryAdvanceCheckpointAsync("live", 12, 20));
        Assert.Equal(20, await db.Feed.GetCheckpointAsync("live"));
    }

    [SkippableFact]
    public async Task Queries_FilterAndOrderSessionsBookingsAndDistricts()
    {
        await using var db = await CreateAsync();
        var offeringId = Ids.New();
        var late = MongoSamples.Session(offeringId, Ids.New());
        var early = Session.Schedule(offeringId, late.ProviderId, Now.AddDays(1), Now.AddDays(1).AddHours(1), 10);
        var school = Ids.New();
        var older = MongoSamples.Booking(late, school);
        await Task.Delay(5); // version-7 ids order by millisecond only
        var newer = MongoSamples.Booking(early, school);
        await db.Store.CommitAsync(new StoreChanges().Insert(late).Insert(early).Insert(older).Insert(newer)
            .PutDistrict(new District("310105", "长宁区", "上海市", "上海市")).PutDistrict(new District("310104", "徐汇区", "上海市", "上海市")));

        Assert.Equal([early.Id, late.Id], (await db.Store.ListSessionsAsync(new SessionFilter(offeringId))).Select(s => s.Id));
        Assert.Equal([late.Id], (await db.Store.ListSessionsForOfferingsAsync([offeringId], Now.AddDays(2))).Select(s => s.Id));
        Assert.Equal([newer.Id, older.Id], (await db.Store.ListBookingsAsync(new BookingFilter(SchoolId: school))).Select(b => b.Id));
        Assert.Empty(await db.Store.ListBookingsAsync(new BookingFilter(SchoolId: school, Status: BookingStatus.Confirmed)));
        Assert.Equal([older.Id], (await db.Store.ListBookingsAsync(new BookingFilter(SchoolId: school, Before: newer.Id))).Select(b => b.Id));
        Assert.Equal([newer.Id], (await db.Store.ListBookingsAsync(new BookingFilter(SchoolId: school, Limit: 1))).Select(b => b.Id));
        // By session start (a plan's semester): from inclusive, before exclusive.
        Assert.Equal([newer.Id], (await db.Store.ListBookingsAsync(new BookingFilter(SchoolId: school) { StartsFrom = early.StartsAt, StartsBefore = late.StartsAt })).Select(b => b.Id));
        Assert.Equal([older.Id], (await db.Store.ListBookingsAsync(new BookingFilter(SchoolId: school) { StartsFrom = late.StartsAt })).Select(b => b.Id));
        Assert.Equal([newer.Id, older.Id], (await db.Store.ListBookingsAsync(new BookingFilter(SchoolId: school) { StartsBefore = late.StartsAt.AddTicks(1) })).Select(b => b.Id));
        Assert.Equal(1, await db.Store.CountBookingsForSessionAsync(late.Id));
        // The committed fund, summed by the store as PlanAdvisor.CommittedFen reads it, over the same start range.
        var confirmed = MongoSamples.Booking(late, school);
        confirmed.Confirm(Now, "test");
        var declined = MongoSamples.Booking(early, school);
        declined.Decline("满员", Now, "test");
        await db.Store.CommitAsync(new StoreChanges().Insert(confirmed).Insert(declined));
        var all = await db.Store.ListBookingsAsync(new BookingFilter(SchoolId: school) { StartsFrom = early.StartsAt, StartsBefore = late.StartsAt.AddTicks(1) });
        Assert.Equal(all.Sum(Marketplace.Core.Bookings.PlanAdvisor.CommittedFen),
            await db.Store.SumCommittedFenAsync(school, early.StartsAt, late.StartsAt.AddTicks(1)));
        Assert.Equal(older.Quote.TotalFen + confirmed.Quote.TotalFen, await db.Store.SumCommittedFenAsync(school, late.StartsAt, late.StartsAt.AddTicks(1)));
        Assert.Equal(0, await db.Store.SumCommittedFenAsync(Ids.New(), early.StartsAt, late.StartsAt.AddTicks(1)));
        Assert.Equal(["310104", "310105"], (await db.Store.ListDistrictsAsync()).Select(d => d.Code));
    }

    private static OutboxMessage Event(params string[] audiences) =>
        OutboxMessage.Create(EventTypes.OfferingChanged, Now, audiences, new OfferingChangedData(Ids.New(), Ids.New(), "Published", 1));
}
