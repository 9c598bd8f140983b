using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>
/// Retention: old outbox events go once every active consumer has read them, never the newest; old idempotency records go.
/// Checkpoint moves are timed by the store's own clock, so these cases place events relative to the real time.
/// </summary>
public abstract partial class StoreContract
{
    /// <summary>Null when the adapter's <see cref="IStoreRetention.PruneAsync"/> deletes old idempotency records itself;
    /// otherwise why it leaves them to the server.</summary>
    protected virtual string? IdempotencyExpiredByTheServer => null;

    [SkippableFact]
    public async Task Prune_DeletesOldEventsEveryActiveCheckpointHasPassed_AndNeverTheNewest()
    {
        await using var db = await CreateAsync();
        var now = DateTimeOffset.UtcNow;
        await db.Store.CommitAsync(new StoreChanges().Publish(EventAt(now.AddDays(-40), "public")).Publish(EventAt(now.AddDays(-40), "school:a"))
            .Publish(EventAt(now.AddDays(-40), "public", "school:a")).Publish(EventAt(now.AddDays(-35), "public")).Publish(EventAt(now.AddDays(-31), "school:a")));
        await db.Store.CommitAsync(new StoreChanges().Publish(EventAt(now.AddDays(-31), "public")));
        await db.Feed.ResetCheckpointAsync("index", ~3L); // an index rebuild's reset to cursor 3
        Assert.True(await db.Feed.TryAdvanceCheckpointAsync("live", 0, 5));
        var retention = (IStoreRetention)db.Store;

        var first = await retention.PruneAsync(new RetentionCutoffs(now.AddDays(-30), now.AddDays(-7)));

        Assert.Equal(3, first.EventsDeleted);
        Assert.Equal([4L, 5, 6], (await db.Feed.ReadEventsAsync(0, null, 100)).Select(e => e.Cursor));
        Assert.Equal([4L, 6], (await db.Feed.ReadEventsAsync(0, ["public"], 100)).Select(e => e.Cursor));
        Assert.Equal([5L], (await db.Feed.ReadEventsAsync(0, ["school:a"], 100)).Select(e => e.Cursor));

        Assert.True(await db.Feed.TryAdvanceCheckpointAsync("index", ~3L, 6));
        Assert.True(await db.Feed.TryAdvanceCheckpointAsync("live", 5, 6));
        var second = await retention.PruneAsync(new RetentionCutoffs(now.AddDays(-30), now.AddDays(-7)));

        Assert.Equal(2, second.EventsDeleted);
        Assert.Equal([6L], (await db.Feed.ReadEventsAsync(0, null, 100)).Select(e => e.Cursor));
        Assert.Equal(6, await db.Feed.GetLatestCursorAsync());
        await db.Store.CommitAsync(new StoreChanges().Publish(EventAt(now, "public")));
        Assert.Equal([6L, 7], (await db.Feed.ReadEventsAsync(0, null, 100)).Select(e => e.Cursor));
    }

    /// <summary>A consumer that is gone (a Lucene folder no longer used, the shared live checkpoint after the backplane was
    /// switched off) would otherwise hold every later event forever.</summary>
    [SkippableFact]
    public async Task Prune_IgnoresACheckpointThatHasNotMovedForTheWholeRetentionPeriod()
    {
        await using var db = await CreateAsync();
        var now = DateTimeOffset.UtcNow;
        var old = now.AddDays(-40);
        await db.Store.CommitAsync(new StoreChanges().Publish(EventAt(old, "public")).Publish(EventAt(old, "public")).Publish(EventAt(old, "public")));
        await db.Feed.ResetCheckpointAsync("index:/srv/old-folder/index", 1);
        var retention = (IStoreRetention)db.Store;

        // Moved within the last minute: it holds events 2 and 3.
        Assert.Equal(1, (await retention.PruneAsync(new RetentionCutoffs(now.AddMinutes(-1), now.AddDays(-7)))).EventsDeleted);
        // Seen from an hour later with a retention of under an hour, it has not moved for the whole period: no longer counted.
        Assert.Equal(1, (await retention.PruneAsync(new RetentionCutoffs(now.AddHours(1), now.AddDays(-7)))).EventsDeleted);

        Assert.Equal([3L], (await db.Feed.ReadEventsAsync(0, null, 100)).Select(e => e.Cursor));
    }

    [SkippableFact]
    public async Task Prune_DeletesIdempotencyRecordsCreatedBeforeTheCutoff()
    {
        Skip.If(IdempotencyExpiredByTheServer is not null, IdempotencyExpiredByTheServer);
        await using var db = await CreateAsync();
        var now = DateTimeOffset.UtcNow;
        var old = new IdempotencyRecord("bookings:school-1", "old", "hash", Guid.NewGuid(), "{}", now.AddDays(-8));
        var fresh = new IdempotencyRecord("bookings:school-1", "fresh", "hash", Guid.NewGuid(), "{}", now.AddDays(-6));
        await db.Store.CommitAsync(new StoreChanges().Remember(old));
        await db.Store.CommitAsync(new StoreChanges().Remember(fresh));

        var result = await ((IStoreRetention)db.Store).PruneAsync(new RetentionCutoffs(now.AddDays(-30), now.AddDays(-7)));

        Assert.Equal(1, result.IdempotencyRecordsDeleted);
        Assert.Null(await db.Store.FindIdempotencyAsync("bookings:school-1", "old"));
        Assert.Equal(fresh, await db.Store.FindIdempotencyAsync("bookings:school-1", "fresh"));
    }

    private static OutboxMessage EventAt(DateTimeOffset at, params string[] audiences) =>
        OutboxMessage.Create(EventTypes.OfferingChanged, at, audiences, new OfferingChangedData(Ids.New(), Ids.New(), "Published", 1));
}
