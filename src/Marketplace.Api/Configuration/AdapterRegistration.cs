using Marketplace.Api.Hosting;
using Marketplace.Core.Search;
using Marketplace.Core.Shared;
using Marketplace.Search.Elasticsearch;
using Marketplace.Search.Lucene;
using Marketplace.Storage.Mongo;
using Marketplace.Storage.Sqlite;

namespace Marketplace.Api.Configuration;

/// <summary>The composition root: the one place that picks an adapter for each port.</summary>
public static class AdapterRegistration
{
    public static MarketplaceSettings AddMarketplaceAdapters(this WebApplicationBuilder builder)
    {
        var settings = MarketplaceSettings.Load(builder.Configuration, builder.Environment.IsDevelopment());
        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);

        if (settings.Store == StoreKind.Mongo)
        {
            var selection = builder.Configuration.GetValue<TimeSpan?>("Marketplace:Mongo:ServerSelectionTimeout");
            services.AddMongoStore(o =>
            {
                o.ConnectionString = settings.MongoConnectionString!;
                o.Database = settings.MongoDatabase;
                if (selection is { } timeout) o.ServerSelectionTimeout = timeout;
            });
        }
        else
            services.AddSqliteStore(o => o.DatabasePath = settings.DatabasePath);
        // Wake the outbox dispatcher the moment a commit carries events.
        services.Decorate<IMarketplaceStore>((inner, sp) => new SignallingStore(inner, sp.GetRequiredService<OutboxSignal>()));

        var synonyms = settings.Synonyms;
        if (settings.Search == SearchKind.Elasticsearch)
            services.AddElasticsearchOfferingIndex(o => { o.Url = settings.ElasticsearchUrl!; o.Synonyms = synonyms; o.Words = settings.Words; });
        else
            services.AddLuceneOfferingIndex(o => { o.Directory = settings.IndexDirectory; o.Synonyms = synonyms; o.Words = settings.Words; });
        var signalR = services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        if (settings.Backplane == BackplaneKind.Redis)
            signalR.AddStackExchangeRedis(settings.RedisConnectionString!, o => o.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal("marketplace"));
        return settings;
    }

    /// <summary>Replaces a registered singleton with a decorator around it (no Scrutor on the mirror, and it is six lines).</summary>
    private static void Decorate<T>(this IServiceCollection services, Func<T, IServiceProvider, T> decorate) where T : class
    {
        var original = services.Last(d => d.ServiceType == typeof(T));
        services.Remove(original);
        services.AddSingleton(sp => decorate((T)(original.ImplementationInstance
            ?? original.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!)), sp));
    }
}
