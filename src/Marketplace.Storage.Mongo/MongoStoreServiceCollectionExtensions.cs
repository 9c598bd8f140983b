using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Storage.Mongo;

public static class MongoStoreServiceCollectionExtensions
{
    /// <summary>Registers the MongoDB <see cref="IMarketplaceStore"/>, <see cref="IOutboxFeed"/>, <see cref="ILeases"/> and <see cref="IStoreRetention"/>; options are validated at start-up.</summary>
    public static IServiceCollection AddMongoStore(this IServiceCollection services, Action<MongoStoreOptions> configure)
    {
        services.AddOptions<MongoStoreOptions>().Configure(configure).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MongoStoreOptions>, MongoStoreOptionsValidator>();
        services.AddSingleton(sp => new MongoMarketplaceStore(
            sp.GetRequiredService<IOptions<MongoStoreOptions>>().Value, sp.GetServices<ICommitObserver>()));
        services.AddSingleton<IMarketplaceStore>(sp => sp.GetRequiredService<MongoMarketplaceStore>());
        services.AddSingleton<IOutboxFeed>(sp => sp.GetRequiredService<MongoMarketplaceStore>());
        services.AddSingleton<ILeases>(sp => sp.GetRequiredService<MongoMarketplaceStore>());
        services.AddSingleton<IStoreRetention>(sp => sp.GetRequiredService<MongoMarketplaceStore>());
        services.AddSingleton<IStoreEpoch>(sp => sp.GetRequiredService<MongoMarketplaceStore>());
        return services;
    }
}
