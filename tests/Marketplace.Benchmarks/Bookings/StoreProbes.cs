using System.Diagnostics;
using Marketplace.Benchmarks.Infrastructure;
using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Marketplace.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Benchmarks.Bookings;

/// <summary>Direct use of the SQLite adapter through the store port: the stored truth, and the raw commit rate.</summary>
internal static class StoreProbes
{
    /// <summary>Bookings per session as the store holds them, read through the store port after both hosts stopped.</summary>
    public static async Task<Dictionary<Guid, int>> CountStoredAsync(string database, Guid[] sessionIds)
    {
        await using var services = new ServiceCollection().AddSqliteStore(o => o.DatabasePath = database).BuildServiceProvider();
        var store = services.GetRequiredService<IMarketplaceStore>();
        var counts = new Dictionary<Guid, int>();
        foreach (var id in sessionIds) counts[id] = await store.CountBookingsForSessionAsync(id);
        return counts;
    }

    /// <summary>One-row commits through the SQLite adapter into a scratch file on the same disk, one writer, for a fixed time.</summary>
    public static async Task<(double PerSecond, Latencies Latency)> RawCommitsAsync(string database, TimeSpan duration)
    {
        string[] districts = ["110101"];
        return await CommitRateAsync(database, duration, _ => Task.CompletedTask,
            () => new StoreChanges().Insert(new Core.Identity.Bureau(Ids.New(), "b", districts)));
    }

    /// <summary>
    /// The transaction one booking commits, as CreateBookingHandler builds it — conditional seat reservation, the booking
    /// document, its idempotency record with the response body, two outbox events and their audiences — through the store port,
    /// one writer awaiting each commit before the next (so every transaction holds exactly one change set: no group commit benefit).
    /// </summary>
    public static async Task<(double PerSecond, Latencies Latency)> RawBookingCommitsAsync(string database, TimeSpan duration)
    {
        var now = DateTimeOffset.UtcNow;
        var session = Core.Catalog.Session.Schedule(Ids.New(), Ids.New(), now.AddDays(30), now.AddDays(30).AddHours(2), capacity: int.MaxValue / 2);
        var schoolId = Ids.New();
        var snapshot = new BookingSnapshot("机器人编程", "区科协", "第一小学", "东城区某路 1 号", "东城区", Core.Catalog.DeliveryMode.OnCampus, null, session.EndsAt);
        return await CommitRateAsync(database, duration, store => store.CommitAsync(new StoreChanges().Insert(session)), () =>
        {
            var booking = Booking.Request(new BookingRequestFacts(session.Id, session.OfferingId, session.ProviderId, schoolId, "110101", 1, [3],
                "课后服务负责人", "13800138000", null, 8_000, session.StartsAt, 48, TimeSpan.FromHours(48), snapshot), now, "school:bench");
            return new StoreChanges().Insert(booking).ReserveSeats(session.Id, 1)
                .Remember(new IdempotencyRecord(BookingCommands.IdempotencyScope, Ids.New().ToString("N"), "0123456789ABCDEF", Guid.NewGuid(), StoreJson.Serialize(BookingView.From(booking, snapshot)), now))
                .Publish(BookingEvents.Changed(booking, null, now))
                .Publish(CatalogEvents.AvailabilityChanged(session.OfferingId, session.Id, session.ProviderId, now));
        });
    }

    /// <summary>Commits <paramref name="next"/>() back to back (20 untimed first) into a fresh scratch file; commits per second and per-commit latency.</summary>
    private static async Task<(double PerSecond, Latencies Latency)> CommitRateAsync(
        string database, TimeSpan duration, Func<IMarketplaceStore, Task> prepare, Func<StoreChanges> next)
    {
        await using var services = new ServiceCollection().AddSqliteStore(o => o.DatabasePath = database).BuildServiceProvider();
        var store = services.GetRequiredService<IMarketplaceStore>();
        await store.InitializeAsync();
        await prepare(store);
        for (var i = 0; i < 20; i++) await store.CommitAsync(next());
        var latency = new Latencies();
        var count = 0;
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            var changes = next();
            var one = Stopwatch.GetTimestamp();
            await store.CommitAsync(changes);
            latency.AddSince(one);
            count++;
        }
        return (count / Stopwatch.GetElapsedTime(started).TotalSeconds, latency);
    }
}
