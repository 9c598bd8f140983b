using Marketplace.Core.Schools;
using Marketplace.Core.Schools.Import;

namespace Marketplace.Api.Schools;

/// <summary>School profiles, their 一校一案 plans, and the bureaus' school roster (list and import).</summary>
public static class SchoolsModule
{
    public static IServiceCollection AddSchools(this IServiceCollection services) =>
        services.AddSingleton<SchoolQueries>().AddSingleton<SchoolCommands>().AddSingleton<SchoolImportCommands>();

    public static IEndpointRouteBuilder MapSchools(this IEndpointRouteBuilder app)
    {
        SchoolEndpoints.Map(app);
        return app;
    }
}
