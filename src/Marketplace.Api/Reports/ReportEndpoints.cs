using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Api.Hosting;
using Marketplace.Api.Localization;
using Marketplace.Core.Reports;

namespace Marketplace.Api.Reports;

public static class ReportEndpoints
{
    private static readonly System.Text.RegularExpressions.Regex SemesterPattern = new(@"^\d{4}-\d{4}-[12]$");
    private static readonly System.Text.RegularExpressions.Regex FormatPattern = new("^(json|csv|xlsx)$");

    private static readonly QueryParameters CoverageQuery = new(
        QueryParameter.DistrictCode("district", "教育局：某一区县（默认全部辖区）/ a bureau: one district (default: all it oversees)."),
        QueryParameter.Text("semester", SemesterPattern, new("validation.semester"), "学期，如 2026-2027-1（默认本学期）/ the semester, e.g. 2026-2027-1 (default: the current one)."),
        QueryParameter.Text("format", FormatPattern, new("validation.format"), "json（默认）、csv 或 xlsx / json (default), csv or xlsx."));

    internal static void Map(IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/api/reports").WithTags("Reports").RequireAuthorization(AuthSetup.OversightPolicy);
        reports.MapGet("/coverage", Coverage).WithName("GetCoverageReport").WithQuery(CoverageQuery)
            .WithSummary("覆盖率监测报表（JSON、CSV 或 XLSX）：区县教育局看本区县，市教育局看各区县及合计，含上学期对比 / The coverage report of a semester: a district bureau its district, a city bureau each of its districts and the total, each figure against the previous semester (definitions in docs/monitoring.md and in `definitions`).")
            .Produces<CoverageReport>().ProducesValidationProblem().ProducesProblem(403);
    }

    private static async Task<IResult> Coverage(HttpContext http, ClaimsPrincipal user, CoverageQueries queries, CoverageExport export, MessageRenderer messages, CancellationToken ct)
    {
        var query = CoverageQuery.Read(http.Request);
        var report = await queries.GetAsync(user.RequireCaller(), query.Text("semester"), query.DistrictCode("district"), ct);
        report = report with { Definitions = CoverageExport.DefinitionKeys.ToDictionary(k => k, k => messages.Render(new($"report.def.{k}"))) };
        var name = $"coverage-{report.Total.District}-{report.Semester}";
        return query.Text("format") switch
        {
            "csv" => TypedResults.File(export.Csv(report), "text/csv; charset=utf-8", name + ".csv"),
            "xlsx" => TypedResults.File(export.Xlsx(report), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name + ".xlsx"),
            _ => TypedResults.Ok(report),
        };
    }
}
