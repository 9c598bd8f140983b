using Elastic.Clients.Elasticsearch;
using Marketplace.Core.Search;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Marketplace.Search.Elasticsearch;

public static class ElasticsearchServiceCollectionExtensions
{
    /// <summary>Registers Elasticsearch as the <see cref="IOfferingIndex"/>; the Url is validated at start-up.</summary>
    public static IServiceCollection AddElasticsearchOfferingIndex(this IServiceCollection services, Action<ElasticsearchIndexOptions> configure)
    {
        services.AddOptions<ElasticsearchIndexOptions>()
            .Configure(configure)
            .Validate(o => Uri.TryCreate(o.Url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps),
                "Marketplace:Elasticsearch:Url must be an absolute http(s) URL, e.g. http://localhost:9200.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.IndexAlias), "Marketplace:Elasticsearch:IndexAlias must not be empty.")
            .Validate(o => new[] { o.SearchTimeout, o.WriteTimeout, o.BulkTimeout, o.AdminTimeout, o.HealthTimeout, o.BulkRetryDelay }.All(t => t > TimeSpan.Zero)
                && o.BulkRetries >= 0, "Elasticsearch timeouts and the bulk retry delay must be positive, the bulk retry count not negative.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        // A hung node must not hang callers (or /health/ready): every request the index sends names its own timeout
        // (search short, bulk and index administration longer; see ElasticsearchIndexOptions); this is the fallback.
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ElasticsearchIndexOptions>>().Value;
            return new ElasticsearchClient(new ElasticsearchClientSettings(new Uri(options.Url)).RequestTimeout(options.WriteTimeout));
        });
        services.AddSingleton<IOfferingIndex, ElasticsearchOfferingIndex>();
        return services;
    }
}
