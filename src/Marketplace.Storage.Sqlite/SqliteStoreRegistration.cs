using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Storage.Sqlite;

public static class SqliteStoreRegistration
{
    public static IServiceCollection AddSqliteStore(this IServiceCollection services, Action<SqliteStoreOptions> configure)
    {
        services.AddOptions<SqliteStoreOptions>().Configure(configure)
            .Validate(o => !string.IsNullOrWhiteSpace(o.DatabasePath), "Marketplace:DataDirectory must name a writable folder for the SQLite store.")
            .ValidateOnStart();
        services.AddSingleton<SqliteMarketplaceStore>();
        services.AddSingleton<IMarketplaceStore>(sp => sp.GetRequiredService<SqliteMarketplaceStore>());
        services.AddSingleton<IOutboxFeed>(sp => sp.GetRequiredService<SqliteMarketplaceStore>());
        services.AddSingleton<ILeases>(sp => sp.GetRequiredService<SqliteMarketplaceStore>());
        services.AddSingleton<IStoreRetention>(sp => sp.GetRequiredService<SqliteMarketplaceStore>());
        services.AddSingleton<IStoreEpoch>(sp => sp.GetRequiredService<SqliteMarketplaceStore>());
        return services;
    }
}
