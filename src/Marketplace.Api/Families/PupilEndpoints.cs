using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Api.Hosting;
using Marketplace.Api.Localization;
using Marketplace.Api.Schools;
using Marketplace.Core.Families;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Families;

/// <summary>A guardian as the pupil's school sees it: name, phone (the school contacts families), whether it has activated.</summary>
public sealed record PupilGuardianDto(Guid Id, string Name, string? Phone, bool Activated);

/// <summary>A pupil on the school's roster. <c>hardship</c>: null when the school's roster does not record it.</summary>
public sealed record RosterPupilDto(Guid Id, string Name, int Grade, string ClassName, bool? Hardship, IReadOnlyList<PupilGuardianDto> Guardians,
    string? ConsentVersion, DateTimeOffset RosteredAt)
{
    public static RosterPupilDto From(RosterPupil r) => new(r.Pupil.Id, r.Pupil.Name, r.Pupil.Grade, r.Pupil.ClassName, r.Pupil.Hardship,
        [.. r.Guardians.Select(g => new PupilGuardianDto(g.Id, g.DisplayName, g.Phone, !g.AwaitsActivation))], r.Pupil.ConsentVersion, r.Pupil.RosteredAt);
}

/// <summary>A booking's class list: name, grade and class of each assigned pupil whose guardian consented — never a phone.</summary>
public sealed record ClassListDto(Guid BookingId, IReadOnlyList<ClassListEntry> Pupils, int WithoutConsent)
{
    public static ClassListDto From(ClassList l) => new(l.BookingId, l.Pupils, l.WithoutConsent);
}

public sealed record PurgeClassRequest(int? Grade, string? ClassName);

public sealed record PurgeResult(int Deleted);

public sealed record AssignPupilsRequest(IReadOnlyList<Guid>? PupilIds);

/// <summary>The pupil import's answer: counts, every bad cell with its message in the request's language, the new guardians' codes.</summary>
public sealed record PupilImportReportDto(
    bool DryRun, int Rows, int PupilsCreated, int PupilsUpdated, int PupilsUnchanged, int GuardiansCreated, int GuardiansLinked,
    IReadOnlyList<ImportErrorDto> Errors, IReadOnlyList<GuardianActivation> Activations)
{
    public static PupilImportReportDto From(HttpContext http, PupilImportReport r) => new(
        r.DryRun, r.Rows, r.PupilsCreated, r.PupilsUpdated, r.PupilsUnchanged, r.GuardiansCreated, r.GuardiansLinked,
        [.. r.Errors.Select(e => new ImportErrorDto(e.Line, e.Column, e.Field, e.Code, http.Render(e.Message)))], r.Activations);
}

public static partial class PupilEndpoints
{
    private static readonly QueryParameters ImportQuery = new(
        QueryParameter.Flag("dryRun", "true（默认）：只检查不写入 / true (the default): check only, write nothing."));

    private static readonly QueryParameters ListQuery = new(
        QueryParameter.Number("grade", 1, 9, "只看此年级 / only this grade."),
        QueryParameter.Text("className", ClassName(), new UserMessage("query.class-name"), "只看此班级（须同时给出年级）/ only this class (with its grade)."),
        Paging.Limit,
        QueryParameter.Id("after", "下一页：上一页最后一名学生的 id / next page: the id of the previous page's last pupil."));

    private static readonly QueryParameters CountQuery = new(
        QueryParameter.DistrictCode("district", "只看此区县（须在本局辖区内）/ only this district (one the bureau oversees)."));

    internal static void Map(IEndpointRouteBuilder app)
    {
        // The school's own roster: other roles are refused before a query or body is read.
        var pupils = app.MapGroup("/api/schools/{schoolId:guid}").WithTags("Families").RequireAuthorization(AuthSetup.SchoolPolicy);
        pupils.MapPost("/pupils/import", Import).WithName("ImportPupils").WithQuery(ImportQuery)
            .WithMetadata(new RequestSizeLimitAttribute(RosterReader.MaxBodyBytes))
            .ProducesProblem(409).ProducesProblem(413).ProducesProblem(415)
            .WithSummary("导入学生名单（本校；CSV/XLSX：姓名、年级、班级、监护人姓名、监护人手机，可选家庭经济困难；默认预检）/ Import the school's pupil roster (CSV or XLSX: name, grade, class, guardian name, guardian mobile, optional hardship flag; at most 5,000 rows): a dry run (the default) reports every bad cell; dryRun=false writes all rows or none and returns the new guardians' one-time activation codes.");
        pupils.MapGet("/pupils", List).WithName("ListPupils").WithQuery(ListQuery)
            .WithSummary("本校学生名单（含监护人姓名和手机），每页 limit 条 / The school's own pupils with their guardians, in id order, `limit` per page; the next page is in the Link header.");
        pupils.MapDelete("/pupils/{pupilId:guid}", Delete).WithName("DeletePupil")
            .WithSummary("删除一名学生（及不再有子女的监护人账号）/ Delete a pupil from the roster (and its guardian's account when it has no other child).");
        pupils.MapPost("/pupils/purge", Purge).WithName("PurgeClass")
            .WithSummary("删除整班学生（毕业或撤销的班级）/ Delete every pupil of one class (graduated or dissolved): `{grade, className}`.");
        pupils.MapPost("/guardians/{guardianId:guid}/activation", Reissue).WithName("ReissueGuardianActivation")
            .WithSummary("为本校学生的监护人重新生成激活码（尚未激活者）/ A new one-time activation code for a guardian of one of the school's pupils who has not activated yet.");

        var bookings = app.MapGroup("/api/bookings/{bookingId:guid}/pupils").WithTags("Families").RequireAuthorization();
        bookings.MapGet("/", ClassList).WithName("GetClassList")
            .WithSummary("预约的学生名单：机构只看到已获监护人同意的学生姓名、年级、班级，不含电话 / A booking's class list: its provider (and school) see name, grade and class of the assigned pupils whose guardian consented — never a phone.");
        bookings.MapPut("/", Assign).WithName("AssignPupils").RequireAuthorization(AuthSetup.SchoolPolicy)
            .WithSummary("学校指定参加该预约的本校学生 / The school names which of its pupils go on its booking (at most the booking's pupils).");

        app.MapGet("/api/pupils/counts", Counts).WithName("CountPupils").WithTags("Families").RequireAuthorization(AuthSetup.OversightPolicy).WithQuery(CountQuery)
            .WithSummary("各校学生数与已同意数（教育局只看数字）/ Pupils per school of the bureau's districts and how many have a guardian's consent: numbers only.");
    }

    private static async Task<IResult> Import(Guid schoolId, HttpContext http, PupilImportCommands commands, CancellationToken ct)
    {
        var query = ImportQuery.Read(http.Request);
        var (table, refusal) = await RosterReader.ReadRequestAsync(http, PupilImportCommands.MaxRows, ct);
        if (refusal is not null) return refusal;
        var report = PupilImportReportDto.From(http, await commands.ImportAsync(http.RequireCaller(), schoolId, table!, query.Flag("dryRun") ?? true, ct));
        if (report.DryRun || report.Errors.Count == 0) return TypedResults.Ok(report);
        return TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest, Title = http.Render(new UserMessage("import.failed")),
            Extensions = { ["code"] = "import-invalid", ["errors"] = report.Errors, ["rows"] = report.Rows },
        });
    }

    private static async Task<Ok<IReadOnlyList<RosterPupilDto>>> List(Guid schoolId, HttpContext http, ClaimsPrincipal user, PupilQueries queries, CancellationToken ct)
    {
        var query = ListQuery.Read(http.Request);
        var size = Paging.SizeOf(query);
        var grade = (int?)query.Number("grade");
        var className = query.Text("className");
        if (className is not null && grade is null) throw ValidationFailedException.For("grade", "validation.required");
        var found = await queries.ListAsync(user.RequireCaller(), schoolId, grade, className, size + 1, query.Id("after"), ct);
        return TypedResults.Ok(Paging.Page(http, found.Take(size).Select(RosterPupilDto.From).ToArray(), found.Count > size, "after", p => p.Id));
    }

    /// <summary>A deleted guardian's tokens stop at once here (other instances: within the standing cache's 30 s).</summary>
    private static async Task<NoContent> Delete(Guid schoolId, Guid pupilId, HttpContext http, PupilCommands commands, StandingCache standings, CancellationToken ct)
    {
        standings.Forget((await commands.DeleteAsync(http.RequireCaller(), schoolId, pupilId, ct)).Guardians);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<PurgeResult>> Purge(Guid schoolId, PurgeClassRequest request, HttpContext http, PupilCommands commands, StandingCache standings,
        CancellationToken ct)
    {
        var deleted = await commands.PurgeClassAsync(http.RequireCaller(), schoolId, request.Grade, request.ClassName, ct);
        standings.Forget(deleted.Guardians);
        return TypedResults.Ok(new PurgeResult(deleted.Pupils));
    }

    private static async Task<Ok<GuardianActivation>> Reissue(Guid schoolId, Guid guardianId, HttpContext http, GuardianActivationCommands commands, CancellationToken ct) =>
        TypedResults.Ok(await commands.ReissueAsync(http.RequireCaller(), schoolId, guardianId, ct));

    private static async Task<Ok<ClassListDto>> ClassList(Guid bookingId, ClaimsPrincipal user, PupilQueries queries, CancellationToken ct) =>
        TypedResults.Ok(ClassListDto.From(await queries.ClassListAsync(user.RequireCaller(), bookingId, ct)));

    private static async Task<Ok<ClassListDto>> Assign(Guid bookingId, AssignPupilsRequest request, ClaimsPrincipal user, PupilCommands commands,
        PupilQueries queries, CancellationToken ct)
    {
        var caller = user.RequireCaller();
        await commands.AssignAsync(caller, bookingId, request.PupilIds, ct);
        return TypedResults.Ok(ClassListDto.From(await queries.ClassListAsync(caller, bookingId, ct)));
    }

    private static async Task<Ok<IReadOnlyList<SchoolPupilCount>>> Counts(HttpContext http, ClaimsPrincipal user, PupilQueries queries, CancellationToken ct)
    {
        var query = CountQuery.Read(http.Request);
        return TypedResults.Ok(await queries.CountsAsync(user.RequireCaller(), query.Text("district"), ct));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\S.{0,29}\z")]
    private static partial System.Text.RegularExpressions.Regex ClassName();
}
