using Marketplace.Core.Search;
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
            services.AddMongoStore(o =>
            {
                o.ConnectionString = settings.MongoConnectionString!;
                o.Database = settings.MongoDatabase;
                if (settings.MongoServerSelectionTimeout is { } timeout) o.ServerSelectionTimeout = timeout;
                o.IdempotencyRetention = settings.Retention.Idempotency;
            });
        }
        else
            services.AddSqliteStore(o => o.DatabasePath = settings.DatabasePath);

        var synonyms = settings.Synonyms;
        if (settings.Search == SearchKind.Elasticsearch)
            services.AddElasticsearchOfferingIndex(o => { o.Url = settings.ElasticsearchUrl!; o.Synonyms = synonyms; o.Words = settings.Words; });
        else
            services.AddLuceneOfferingIndex(o => { o.Directory = settings.IndexDirectory; o.Synonyms = synonyms; o.Words = settings.Words; });
        var signalR = services.AddSignalR().AddJsonProtocol(o =>
        {
            o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
            o.PayloadSerializerOptions.Converters.Add(new Core.Shared.ChinaTimeJsonConverter()); // pushes carry +08:00 like responses
        });
        if (settings.Backplane == BackplaneKind.Redis)
            signalR.AddStackExchangeRedis(settings.RedisConnectionString!, o => o.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal("marketplace"));
        return settings;
    }
}
