using System.Diagnostics;
using Marketplace.Benchmarks.Infrastructure;
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
        await using var services = new ServiceCollection().AddSqliteStore(o => o.DatabasePath = database).BuildServiceProvider();
        var store = services.GetRequiredService<IMarketplaceStore>();
        await store.InitializeAsync();
        string[] districts = ["110101"];
        for (var i = 0; i < 20; i++) await store.CommitAsync(new StoreChanges().Insert(new Core.Identity.Bureau(Ids.New(), "w", districts)));
        var latency = new Latencies();
        var count = 0;
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            var one = Stopwatch.GetTimestamp();
            await store.CommitAsync(new StoreChanges().Insert(new Core.Identity.Bureau(Ids.New(), "b", districts)));
            latency.AddSince(one);
            count++;
        }
        return (count / Stopwatch.GetElapsedTime(started).TotalSeconds, latency);
    }

}
