using Marketplace.Core.Schools;

namespace Marketplace.Api.Schools;

/// <summary>School profiles and their 一校一案 plans.</summary>
public static class SchoolsModule
{
    public static IServiceCollection AddSchools(this IServiceCollection services) =>
        services.AddSingleton<SchoolQueries>().AddSingleton<SchoolCommands>();

    public static IEndpointRouteBuilder MapSchools(this IEndpointRouteBuilder app)
    {
        SchoolEndpoints.Map(app);
        return app;
    }
}
