using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Api.Hosting;
using Marketplace.Api.Localization;
using Marketplace.Core.Schools.Import;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Mvc;
using Marketplace.Core.Bookings;
using Marketplace.Core.Schools;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Schools;

/// <summary>A school. <c>Stage</c> is the stored one, else worked out from the grades; <c>SchoolCode</c> and the coordinator are absent
/// (null) for schools not yet on an imported roster.</summary>
public sealed record SchoolDto(Guid Id, string Name, string DistrictCode, string Address, double Lat, double Lon, IReadOnlyList<int> Grades, IReadOnlyDictionary<int, int> EnrolmentByGrade)
{
    public string? SchoolCode { get; init; }
    public SchoolStage? Stage { get; init; }
    public string? CoordinatorName { get; init; }
    public string? CoordinatorPhone { get; init; }
    /// <summary>城乡 as the roster records it; null: not recorded (such a school gets the urban family cap).</summary>
    public SchoolArea? Area { get; init; }

    public static SchoolDto From(School s) => new(s.Id, s.Name, s.DistrictCode, s.Address, s.Lat, s.Lon, s.Grades, s.EnrolmentByGrade)
    {
        SchoolCode = s.SchoolCode, Stage = s.StageOrFromGrades, CoordinatorName = s.CoordinatorName, CoordinatorPhone = s.CoordinatorPhone, Area = s.Area,
    };
}

/// <summary>A school plan (一校一案) as saved, and where the school's bookings of that semester stand against it (<c>summary</c>).</summary>
public sealed record SchoolPlanDto(
    Guid Id, long Version, Guid SchoolId, string Semester, IReadOnlyList<Core.Catalog.Category> TargetCategories, IReadOnlyList<PlanWindow> Windows,
    IReadOnlyDictionary<Core.Catalog.Category, int> PupilsExpected, long BudgetFen, DateTimeOffset UpdatedAt, PlanSummary? Summary)
{
    public static SchoolPlanDto From(SchoolPlan p, PlanSummary? summary) =>
        new(p.Id, p.Version, p.SchoolId, p.Semester, p.TargetCategories, p.Windows, p.PupilsExpected, p.BudgetFen, p.UpdatedAt, summary);
}

public static partial class SchoolEndpoints
{
    private static readonly QueryParameters ListQuery = new(
        QueryParameter.Text("district", DistrictCode(), new UserMessage("query.unknown-district"),
            "只看此区县（须在本局辖区内）/ only this district (one the bureau oversees)."),
        QueryParameter.Enum<SchoolStage>("stage", "只看此学段 / only schools of this stage."),
        QueryParameter.Flag("noBookingThisSemester",
            "true：只看本学期（2 月 1 日或 9 月 1 日起，北京时间）尚无预约的学校 / true: only schools without a requested, confirmed or completed booking this semester (from 1 February or 1 September, Beijing time)."),
        Paging.Limit,
        QueryParameter.Id("after", "下一页：上一页最后一所学校的 id / next page: the id of the previous page's last school."));

    private static readonly QueryParameters ImportQuery = new(
        QueryParameter.Flag("dryRun", "true（默认）：只检查不写入 / true (the default): check only, write nothing."));

    internal static void Map(IEndpointRouteBuilder app)
    {
        var roster = app.MapGroup("/api/schools").WithTags("Schools");
        roster.MapGet("/", List).WithName("ListSchools").RequireAuthorization(AuthSetup.OversightPolicy).WithQuery(ListQuery)
            .WithSummary("学校名册（区县教育局看本区县，市级看全市），每页 limit 条，下一页见 Link 头 / The school roster of the bureau's districts (a city bureau: its city's), by district, stage and \"no booking this semester\", oldest first, `limit` per page (default 100, at most 500); the next page is in the Link header.");
        roster.MapPost("/import", Import).WithName("ImportSchools").RequireAuthorization(AuthSetup.BureauPolicy).WithQuery(ImportQuery)
            .WithMetadata(new RequestSizeLimitAttribute(RosterReader.MaxBodyBytes))
            .AddOpenApiOperationTransformer(DescribeFileBody) // not .Accepts: routing would answer a wrong type 415 before authorization
            .ProducesProblem(409).ProducesProblem(413).ProducesProblem(415)
            .WithSummary("导入学校名册（CSV/XLSX，最多 2000 行；默认预检）/ Import the school roster from a CSV or XLSX file (at most 2,000 rows): a dry run (the default) reports every bad cell; dryRun=false writes all rows or none and returns the new coordinators' one-time activation codes.");

        var group = app.MapGroup("/api/schools/{schoolId:guid}").WithTags("Schools").RequireAuthorization();
        group.MapGet("/", Get).WithName("GetSchool").WithSummary("学校概况（本校、所属教育局、已被其预约的机构）/ The school profile: the school itself, its bureau, or a provider it has booked.");
        group.MapGet("/plans/{semester}", GetPlan).WithName("GetSchoolPlan").WithSummary("一校一案及本学期预约汇总（场次、人数、经费）/ The school's plan for a semester, e.g. 2026-2027-1, with a summary of its bookings then: sessions, pupils by category, spend against budget, sessions outside the windows.");
        group.MapPut("/plans/{semester}", SavePlan).WithName("PutSchoolPlan").RequireAuthorization(AuthSetup.SchoolPolicy)
            .WithSummary("保存一校一案 / Save the school's plan for a semester.");
    }

    private static async Task<Ok<IReadOnlyList<SchoolDto>>> List(HttpContext http, ClaimsPrincipal user, SchoolQueries queries, CancellationToken ct)
    {
        var query = ListQuery.Read(http.Request);
        var size = Paging.SizeOf(query);
        var found = await queries.ListAsync(user.RequireCaller(), query.Text("district"), query.Enum<SchoolStage>("stage"),
            query.Flag("noBookingThisSemester") ?? false, size + 1, query.Id("after"), ct);
        return TypedResults.Ok(Paging.Page(http, found.Take(size).Select(SchoolDto.From).ToArray(), found.Count > size, "after", s => s.Id));
    }

    /// <summary>The raw file is the body; a dry run (the default) or a commit with no error answers 200, a commit with errors 400 (nothing written).</summary>
    private static async Task<IResult> Import(HttpContext http, ClaimsPrincipal user, SchoolImportCommands commands, CancellationToken ct)
    {
        var query = ImportQuery.Read(http.Request);
        var (table, refusal) = await RosterReader.ReadRequestAsync(http, SchoolImportCommands.MaxRows, ct);
        if (refusal is not null) return refusal;
        var report = SchoolImportReportDto.From(http, await commands.ImportAsync(user.RequireCaller(), table!, query.Flag("dryRun") ?? true, ct));
        if (report.DryRun || report.Errors.Count == 0) return TypedResults.Ok(report);
        return TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest, Title = http.Render(new UserMessage("import.failed")),
            Extensions = { ["code"] = "import-invalid", ["errors"] = report.Errors, ["rows"] = report.Rows },
        });
    }

    /// <summary>The body is the file itself: CSV or XLSX, as bytes.</summary>
    private static Task DescribeFileBody(Microsoft.OpenApi.OpenApiOperation operation, Microsoft.AspNetCore.OpenApi.OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var file = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String, Format = "binary" };
        operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
        {
            Required = true,
            Description = // OpenAPI documentation, bilingual like the summaries
                "名册文件本身（CSV 或 XLSX）/ the roster file itself (CSV or XLSX).",
            Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType>
            {
                [RosterReader.CsvType] = new() { Schema = file },
                [RosterReader.XlsxType] = new() { Schema = file },
            },
        };
        return Task.CompletedTask;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[0-9]{6}\z")]
    private static partial System.Text.RegularExpressions.Regex DistrictCode();

    /// <summary>The booking module decides: besides the school and its bureau, a provider the school has booked may read it.</summary>
    private static async Task<Ok<SchoolDto>> Get(Guid schoolId, ClaimsPrincipal user, BookingQueries queries, CancellationToken ct) =>
        TypedResults.Ok(SchoolDto.From(await queries.SchoolAsync(user.RequireCaller(), schoolId, ct)));

    /// <summary>The plan with its summary, which the booking module works out (Schools may not read bookings).</summary>
    private static async Task<Ok<SchoolPlanDto>> GetPlan(Guid schoolId, string semester, ClaimsPrincipal user, BookingQueries queries, CancellationToken ct)
    {
        var (plan, summary) = await queries.PlanSummaryAsync(user.RequireCaller(), schoolId, semester, ct);
        return TypedResults.Ok(SchoolPlanDto.From(plan, summary));
    }

    /// <summary>Answers as <see cref="GetPlan"/> does: the saved plan with its summary.</summary>
    private static async Task<Ok<SchoolPlanDto>> SavePlan(Guid schoolId, string semester, SchoolPlanInput input, ClaimsPrincipal user, SchoolCommands commands,
        BookingQueries queries, CancellationToken ct)
    {
        var caller = user.RequireCaller();
        var saved = await commands.SavePlanAsync(caller, schoolId, semester, input, ct);
        return TypedResults.Ok(SchoolPlanDto.From(saved, await queries.PlanSummaryOfAsync(saved, ct)));
    }
}

/// <summary>The import's answer (design §5): counts, every bad cell with its message in the request's language, and the one-time codes.</summary>
public sealed record SchoolImportReportDto(
    bool DryRun, int Rows, int SchoolsCreated, int SchoolsUpdated, int SchoolsUnchanged, int UsersCreated,
    IReadOnlyList<ImportErrorDto> Errors, IReadOnlyList<IssuedActivation> Activations)
{
    public static SchoolImportReportDto From(HttpContext http, SchoolImportReport r) => new(
        r.DryRun, r.Rows, r.SchoolsCreated, r.SchoolsUpdated, r.SchoolsUnchanged, r.UsersCreated,
        [.. r.Errors.Select(e => new ImportErrorDto(e.Line, e.Column, e.Field, e.Code, http.Render(e.Message)))], r.Activations);
}

/// <summary><c>line</c>: 1 is the header, absent for the whole file; <c>column</c>: the letter (A, B …), absent for a missing column.</summary>
public sealed record ImportErrorDto(int? Line, string? Column, string? Field, string Code, string Message);
