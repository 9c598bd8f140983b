using Marketplace.Api.Configuration;
using Marketplace.Core.Catalog;
using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Catalog.Providers;
using Marketplace.Core.Catalog.Sessions;

namespace Marketplace.Api.Catalog;

/// <summary>Districts, providers and their vetting, offerings and their review, sessions.</summary>
public static class CatalogModule
{
    public static IServiceCollection AddCatalog(this IServiceCollection services, MarketplaceSettings settings)
    {
        services.AddSingleton(settings.Calendar);
        services.AddSingleton<DistrictQueries>();
        services.AddSingleton<ProviderCommands>().AddSingleton<ProviderQueries>();
        services.AddSingleton<OfferingCommands>().AddSingleton<OfferingQueries>();
        services.AddSingleton<ISchoolDistricts, Marketplace.Core.Schools.SchoolDistricts>();
        services.AddSingleton<IOfferingPriceRules, Marketplace.Core.Settlement.PolicyPriceRules>();
        services.AddSingleton<SessionCommands>().AddSingleton<SessionQueries>();
        return services;
    }

    public static IEndpointRouteBuilder MapCatalog(this IEndpointRouteBuilder app)
    {
        DistrictEndpoints.Map(app);
        ProviderEndpoints.Map(app);
        OfferingEndpoints.Map(app);
        SessionEndpoints.Map(app);
        return app;
    }
}
