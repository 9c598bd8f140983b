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
        services.AddSingleton<IMarketplaceStore, SqliteMarketplaceStore>();
        return services;
    }
}
