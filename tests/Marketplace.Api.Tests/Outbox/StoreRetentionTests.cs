using Marketplace.Api.Configuration;
using Marketplace.Api.Outbox;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Api.Tests.Outbox;

/// <summary>The host's retention sweep, with its settings, on the embedded store (the cases of each store are in StoreContract).</summary>
public sealed class StoreRetentionTests
{
    [Fact]
    public async Task TheSweep_DeletesOldIdempotencyRecords_AndOldEventsTheIndexHasRead_KeepingTheNewest()
    {
        using var factory = new MarketplaceFactory(new Dictionary<string, string?>
        {
            ["Marketplace:SeedDemo"] = "false", ["Marketplace:Retention:Idempotency"] = "1.00:00:00", ["Marketplace:Retention:Outbox"] = "2.00:00:00",
        });
        factory.CreateClient().Dispose();
        var services = factory.Services;
        var (store, feed) = (services.GetRequiredService<IMarketplaceStore>(), services.GetRequiredService<IOutboxFeed>());
        var now = DateTimeOffset.UtcNow;
        await store.CommitAsync(new StoreChanges()
            .Remember(new IdempotencyRecord("bookings:school-1", "old", "h", Guid.NewGuid(), "{}", now.AddDays(-2)))
            .Publish(OutboxMessage.Create("test", now.AddDays(-3), ["bureau:000000"], new { n = 1 }))
            .Publish(OutboxMessage.Create("test", now.AddDays(-3), ["bureau:000000"], new { n = 2 })));
        await store.CommitAsync(new StoreChanges()
            .Remember(new IdempotencyRecord("bookings:school-1", "fresh", "h", Guid.NewGuid(), "{}", now.AddHours(-1)))
            .Publish(OutboxMessage.Create("test", now.AddDays(-3), ["bureau:000000"], new { n = 3 })));
        var latest = await feed.GetLatestCursorAsync();
        var index = services.GetRequiredService<IndexProjectionConsumer>().Name;
        await WaitAsync(async () => await feed.GetCheckpointAsync(index) == latest); // the host's dispatcher has read them

        var result = await services.GetServices<IHostedService>().OfType<StoreRetentionService>().Single().SweepAsync(CancellationToken.None);

        Assert.NotNull(result);
        // The host's own sweep runs once at start; on a slow machine it may come after the commit above and take the old record
        // first. Either way exactly that record is gone and the fresh one stays.
        Assert.InRange(result.IdempotencyRecordsDeleted, 0, 1);
        Assert.Null(await store.FindIdempotencyAsync("bookings:school-1", "old"));
        Assert.NotNull(await store.FindIdempotencyAsync("bookings:school-1", "fresh"));
        Assert.Equal([latest], (await feed.ReadEventsAsync(0, null, 100)).Select(e => e.Cursor));
    }

    [Fact]
    public void Defaults_KeepIdempotencyRecordsAWeek_AndEventsAMonth_SweepingHourly()
    {
        var settings = MarketplaceSettings.Load(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), isDevelopment: true);

        Assert.Equal(new RetentionSettings { Idempotency = TimeSpan.FromDays(7), Outbox = TimeSpan.FromDays(30), Sweep = TimeSpan.FromHours(1) },
            settings.Retention);
    }

    [Theory]
    [InlineData("Marketplace:Retention:Idempotency", "0.00:00:00")]
    [InlineData("Marketplace:Retention:Outbox", "a month")]
    [InlineData("Marketplace:Retention:Sweep", "-01:00:00")]
    public void Startup_WithABadRetentionSetting_FailsNamingTheKey(string key, string value)
    {
        using var factory = new MarketplaceFactory(new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains($"{key} must be a positive time span", error.ToString(), StringComparison.Ordinal);
    }

    private static async Task WaitAsync(Func<Task<bool>> done)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < until && !await done()) await Task.Delay(50);
    }
}
