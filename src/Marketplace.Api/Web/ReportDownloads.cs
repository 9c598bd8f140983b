using Marketplace.Api.Auth;
using Marketplace.Api.Localization;
using Marketplace.Api.Matching;
using Marketplace.Core.Matching;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Web;

/// <summary>
/// The web UI's report downloads with the sign-in cookie (the JSON API takes bearer tokens only, and a download link cannot carry
/// one): GET /downloads/under-served?district=&amp;semester= — the same use case and CSV as GET /api/reports/under-served?format=csv,
/// with each school's top recommendations (the list a bureau sends to its schools); GET /downloads/coverage?district=&amp;semester=&amp;format=csv|xlsx —
/// the coverage report's export.
/// </summary>
internal static class ReportDownloads
{
    public const string UnderServedPath = "/downloads/under-served";

    public const string CoveragePath = "/downloads/coverage";

    public static void Map(WebApplication app)
    {
        app.MapGet(UnderServedPath, UnderServedAsync).RequireAuthorization().ExcludeFromDescription();
        app.MapGet(CoveragePath, CoverageAsync).RequireAuthorization().ExcludeFromDescription();
    }

    public static string CoverageLink(string district, string semester, string format) =>
        $"{CoveragePath}?district={Uri.EscapeDataString(district)}&semester={Uri.EscapeDataString(semester)}&format={format}";

    /// <summary>The coverage report as CSV or XLSX: the same use case and export as GET /api/reports/coverage.</summary>
    private static async Task<IResult> CoverageAsync(string? district, string? semester, string? format, HttpContext http,
        Marketplace.Core.Reports.CoverageQueries queries, Marketplace.Api.Reports.CoverageExport export, CancellationToken ct)
    {
        new Validator().Require(format is "csv" or "xlsx", "format", new("validation.format")).ThrowIfInvalid();
        var report = await queries.GetAsync(http.User.RequireCaller(), semester, district, ct);
        var name = $"coverage-{report.Total.District}-{report.Semester}";
        return format == "csv"
            ? TypedResults.File(export.Csv(report), "text/csv; charset=utf-8", name + ".csv")
            : TypedResults.File(export.Xlsx(report), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name + ".xlsx");
    }

    public static string UnderServedLink(string district, string semester) =>
        $"{UnderServedPath}?district={Uri.EscapeDataString(district)}&semester={Uri.EscapeDataString(semester)}";

    private static async Task<IResult> UnderServedAsync(string? district, string? semester, HttpContext http, UnderServedQueries queries, MessageRenderer messages,
        CancellationToken ct)
    {
        new Validator().Require(district is not null, "district", new("validation.required")).ThrowIfInvalid();
        var report = await queries.GetAsync(http.User.RequireCaller(), district!, semester, recommend: true, ct);
        return TypedResults.File(UnderServedDto.Csv(UnderServedDto.From(report, messages), messages), "text/csv; charset=utf-8",
            $"under-served-{report.DistrictCode}-{report.Semester}.csv");
    }
}
