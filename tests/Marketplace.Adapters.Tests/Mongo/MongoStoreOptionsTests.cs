using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Marketplace.Storage.Mongo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Adapters.Tests.Mongo;

public sealed class MongoStoreOptionsTests
{
    [Fact]
    public void Options_WithoutConnectionString_FailNamingTheSetting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Create(o => o.Database = "marketplace"));

        Assert.Contains("Marketplace:Mongo:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_WithoutDatabase_FailNamingTheSetting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Create(o => o.ConnectionString = "mongodb://127.0.0.1:1"));

        Assert.Contains("Marketplace:Mongo:Database", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddMongoStore_RegistersOneSingletonStoreAndTheValidator()
    {
        var services = new ServiceCollection().AddMongoStore(o => { });

        Assert.Equal(ServiceLifetime.Singleton, Assert.Single(services, d => d.ServiceType == typeof(IMarketplaceStore)).Lifetime);
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<MongoStoreOptions>));
    }

    [Fact]
    public async Task IsHealthy_WhenNoServerAnswers_IsFalseQuickly()
    {
        using var store = new MongoMarketplaceStore(new MongoStoreOptions
        {
            ConnectionString = "mongodb://127.0.0.1:1/?directConnection=true",
            Database = "marketplace",
            ServerSelectionTimeout = TimeSpan.FromMilliseconds(300),
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var healthy = await store.IsHealthyAsync();

        Assert.False(healthy);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    private static MongoStoreOptions Create(Action<MongoStoreOptions> configure) =>
        new OptionsFactory<MongoStoreOptions>([new ConfigureOptions<MongoStoreOptions>(configure)], [], [new MongoStoreOptionsValidator()])
            .Create(Options.DefaultName);
}
