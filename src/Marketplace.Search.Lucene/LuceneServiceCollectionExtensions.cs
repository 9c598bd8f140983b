using Marketplace.Core.Search;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Search.Lucene;

public static class LuceneServiceCollectionExtensions
{
    /// <summary>Registers the embedded Lucene.Net index as the <see cref="IOfferingIndex"/> (a singleton the container disposes on shutdown).</summary>
    public static IServiceCollection AddLuceneOfferingIndex(this IServiceCollection services, Action<LuceneIndexOptions> configure)
    {
        services.AddOptions<LuceneIndexOptions>()
            .Configure(configure)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Directory), "Marketplace:Lucene:Directory must name the folder of the search index.")
            .ValidateOnStart();
        services.AddSingleton<LuceneOfferingIndex>();
        services.AddSingleton<IOfferingIndex>(sp => sp.GetRequiredService<LuceneOfferingIndex>());
        return services;
    }
}
