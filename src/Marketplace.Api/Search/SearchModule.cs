using Marketplace.Core.Search;

namespace Marketplace.Api.Search;

/// <summary>Chinese search over published offerings, and the bureau's rebuild of the index.</summary>
public static class SearchModule
{
    public static IServiceCollection AddSearch(this IServiceCollection services) => services.AddSingleton<SearchQueries>();

    public static IEndpointRouteBuilder MapSearch(this IEndpointRouteBuilder app)
    {
        SearchEndpoints.Map(app);
        IndexVerifyEndpoints.Map(app);
        return app;
    }
}
