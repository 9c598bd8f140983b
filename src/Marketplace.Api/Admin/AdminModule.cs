using Marketplace.Api.Auth;
using Marketplace.Api.Configuration;
using Marketplace.Core.Catalog;
using Marketplace.Core.Identity;

namespace Marketplace.Api.Admin;

/// <summary>Onboarding and accounts: districts, bureau organisations, an organisation's users, disabling, the audit trail.</summary>
public static class AdminModule
{
    public static IServiceCollection AddAdmin(this IServiceCollection services, MarketplaceSettings settings)
    {
        services.AddSingleton(settings.Lockout);
        services.AddSingleton<StandingCache>();
        services.AddSingleton<UserCommands>();
        services.AddSingleton<OrganizationCommands>().AddSingleton<OrganizationQueries>();
        services.AddSingleton<DistrictCommands>();
        services.AddSingleton<AuditQueries>();
        return services;
    }

    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        DistrictAdminEndpoints.Map(app);
        OrganisationEndpoints.Map(app);
        UserEndpoints.Map(app);
        AuditEndpoints.Map(app);
        return app;
    }
}
