using Marketplace.Core.Reports;

namespace Marketplace.Api.Reports;

/// <summary>Monitoring reports (监测直报, issue 16): the coverage report of a district or a city, as JSON, CSV or XLSX.</summary>
public static class ReportsModule
{
    public static IServiceCollection AddReports(this IServiceCollection services) =>
        services.AddSingleton<CoverageQueries>().AddSingleton<CoverageExport>();

    public static IEndpointRouteBuilder MapReports(this IEndpointRouteBuilder app)
    {
        ReportEndpoints.Map(app);
        return app;
    }
}
