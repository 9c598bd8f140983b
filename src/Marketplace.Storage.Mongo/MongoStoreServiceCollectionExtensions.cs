using Marketplace.Core.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Storage.Mongo;

public static class MongoStoreServiceCollectionExtensions
{
    /// <summary>Registers the MongoDB <see cref="IMarketplaceStore"/>; options are validated at start-up.</summary>
    public static IServiceCollection AddMongoStore(this IServiceCollection services, Action<MongoStoreOptions> configure)
    {
        services.AddOptions<MongoStoreOptions>().Configure(configure).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MongoStoreOptions>, MongoStoreOptionsValidator>();
        services.AddSingleton<IMarketplaceStore>(sp => new MongoMarketplaceStore(sp.GetRequiredService<IOptions<MongoStoreOptions>>().Value));
        return services;
    }
}
