using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Api.Hosting;
using Marketplace.Core.Families.Selection;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Families.Selection;

/// <summary>Selection windows (选课, issue 18): the school opens and runs them, guardians apply for their children, everyone who may see a drawn window reads its audit.</summary>
public static partial class SelectionEndpoints
{
    private static readonly QueryParameters ApplicationsQuery = new(
        QueryParameter.Number("grade", 1, 9, "只看此年级 / only this grade."),
        QueryParameter.Text("className", ClassName(), new UserMessage("query.class-name"), "只看此班级（须同时给出年级）：班主任审核的名单 / only this class (with its grade): the class teacher's list."),
        Paging.Limit,
        QueryParameter.Id("after", "下一页：上一页最后一份申请的 id / next page: the id of the previous page's last application."));

    internal static void Map(IEndpointRouteBuilder app)
    {
        var windows = app.MapGroup("/api/selection-windows").WithTags("Families").RequireAuthorization();
        windows.MapPost("/", Open).WithName("OpenSelectionWindow").RequireAuthorization(AuthSetup.SchoolPolicy).ProducesProblem(409)
            .WithSummary("学校开放选课（本校已确认的预约或整学期预约，先到先得或抽签；抽签时公布种子的 SHA-256 承诺）/ The school opens a selection window over its confirmed bookings or series: first come or lottery; a lottery publishes its seed's SHA-256 commitment now and the seed at the draw.");
        windows.MapGet("/", List).WithName("ListSelectionWindows")
            .WithSummary("选课窗口：学校看本校的，家长看孩子所在学校的 / Selection windows: a school its own, a guardian those of its children's schools.");
        windows.MapGet("/{windowId:guid}", Get).WithName("GetSelectionWindow").WithSummary("一个选课窗口（含各项目剩余名额）/ One selection window with each programme's free seats.");
        windows.MapPut("/{windowId:guid}/closes-at", Reschedule).WithName("RescheduleSelectionWindow").RequireAuthorization(AuthSetup.SchoolPolicy).ProducesProblem(409)
            .WithSummary("调整截止时间（未截止时）/ Move the closing time of a window not yet closed.");
        windows.MapPost("/{windowId:guid}/close", Close).WithName("CloseSelectionWindow").RequireAuthorization(AuthSetup.SchoolPolicy).ProducesProblem(409)
            .WithSummary("提前截止选课 / Close the window now.");
        windows.MapPost("/{windowId:guid}/draw", Draw).WithName("DrawSelectionWindow").RequireAuthorization(AuthSetup.SchoolPolicy).ProducesProblem(409)
            .WithSummary("截止后抽签（所有申请须已审核完毕）：公布种子，写入各预约的学生名单 / After closing, run the lottery (every application decided): reveals the seed and writes the providers' class lists.");
        windows.MapGet("/{windowId:guid}/audit", Audit).WithName("GetSelectionAudit").ProducesProblem(409)
            .WithSummary("抽签审计：输入、种子、顺序与结果，服务器复算结果；任何人可复算 / The draw's audit: input, seed, order and result, re-run here; anyone can re-run it.");
        windows.MapGet("/{windowId:guid}/applications", Applications).WithName("ListSelectionApplications").WithQuery(ApplicationsQuery)
            .WithSummary("学校查看申请（可按年级、班级）/ The school's applications of a window, by grade and class; `limit` per page, the next page in the Link header, how many match in X-Total-Count.");
        windows.MapGet("/{windowId:guid}/applications/mine", Mine).WithName("ListMySelectionApplications")
            .WithSummary("家长：我的孩子在此窗口的申请、结果与候补位置 / Guardian: its children's applications in this window, results and waiting-list places.");
        windows.MapPost("/{windowId:guid}/applications", Apply).WithName("ApplySelection").RequireAuthorization(AuthSetup.GuardianPolicy).ProducesProblem(409)
            .WithSummary("家长为孩子报名：志愿排序（含备选）、同意条款、走出去项目的安全承诺；先到先得时立即占位 / A guardian applies for a child: ranked choices with alternates, the terms accepted, the safety pledge for trips; first come takes seats at once.");
        windows.MapGet("/{windowId:guid}/applications/{applicationId:guid}", Application).WithName("GetSelectionApplication")
            .WithSummary("一份申请（学校，或该学生的家长）/ One application (its school, or the pupil's guardian).");
        windows.MapDelete("/{windowId:guid}/applications/{applicationId:guid}", Withdraw).WithName("WithdrawSelection").RequireAuthorization(AuthSetup.GuardianPolicy).ProducesProblem(409)
            .WithSummary("家长撤回申请（选课期间），名额退回 / The guardian withdraws while the window is open; its seats go back.");
        windows.MapPost("/{windowId:guid}/applications/{applicationId:guid}/class-review", ClassReview).WithName("ClassReviewSelection").RequireAuthorization(AuthSetup.SchoolPolicy).ProducesProblem(409)
            .WithSummary("班级审核（课后服务负责人，或班主任审核本人所带班级）：通过或驳回（须写理由）/ Class review (the coordinator, or a class teacher for its own classes): approve, or reject with a reason.");
        windows.MapPost("/{windowId:guid}/applications/{applicationId:guid}/school-review", SchoolReview).WithName("SchoolReviewSelection").RequireAuthorization(AuthSetup.SchoolPolicy).ProducesProblem(409)
            .WithSummary("学校复核（课后服务负责人）：通过或驳回；先到先得的名额通过后写入机构的学生名单 / School review (the coordinator): approve or reject; an approved first-come placement goes onto the provider's class list.");
    }

    private static async Task<Created<WindowDto>> Open(OpenWindowRequest request, ClaimsPrincipal user, SelectionCommands commands, SelectionQueries queries,
        CancellationToken ct)
    {
        var caller = user.RequireCaller();
        var window = await commands.OpenAsync(caller, request, ct);
        return TypedResults.Created($"/api/selection-windows/{window.Id}", WindowDto.From(await queries.GetAsync(caller, window.Id, ct)));
    }

    private static async Task<Ok<IReadOnlyList<WindowDto>>> List(ClaimsPrincipal user, SelectionQueries queries, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<WindowDto>>([.. (await queries.ListAsync(user.RequireCaller(), ct)).Select(WindowDto.From)]);

    private static async Task<Ok<WindowDto>> Get(Guid windowId, ClaimsPrincipal user, SelectionQueries queries, CancellationToken ct) =>
        TypedResults.Ok(WindowDto.From(await queries.GetAsync(user.RequireCaller(), windowId, ct)));

    private static async Task<Ok<WindowDto>> Reschedule(Guid windowId, RescheduleRequest request, ClaimsPrincipal user, SelectionCommands commands,
        SelectionQueries queries, CancellationToken ct)
    {
        var caller = user.RequireCaller();
        await commands.RescheduleAsync(caller, windowId, request.ClosesAt, ct);
        return TypedResults.Ok(WindowDto.From(await queries.GetAsync(caller, windowId, ct)));
    }

    private static async Task<Ok<WindowDto>> Close(Guid windowId, ClaimsPrincipal user, SelectionCommands commands, SelectionQueries queries, CancellationToken ct)
    {
        var caller = user.RequireCaller();
        await commands.CloseAsync(caller, windowId, ct);
        return TypedResults.Ok(WindowDto.From(await queries.GetAsync(caller, windowId, ct)));
    }

    private static async Task<Ok<DrawDto>> Draw(Guid windowId, ClaimsPrincipal user, SelectionCommands commands, SelectionQueries queries, CancellationToken ct)
    {
        var caller = user.RequireCaller();
        await commands.DrawAsync(caller, windowId, ct);
        return TypedResults.Ok(DrawDto.From(await queries.DrawAsync(caller, windowId, ct)));
    }

    private static async Task<Ok<DrawDto>> Audit(Guid windowId, ClaimsPrincipal user, SelectionQueries queries, CancellationToken ct) =>
        TypedResults.Ok(DrawDto.From(await queries.DrawAsync(user.RequireCaller(), windowId, ct)));

    private static async Task<Ok<IReadOnlyList<ApplicationDto>>> Applications(Guid windowId, HttpContext http, ClaimsPrincipal user, SelectionQueries queries,
        CancellationToken ct)
    {
        var query = ApplicationsQuery.Read(http.Request);
        var size = Paging.SizeOf(query);
        var grade = (int?)query.Number("grade");
        var className = query.Text("className");
        if (className is not null && grade is null) throw ValidationFailedException.For("grade", "validation.required");
        var found = await queries.ApplicationsAsync(user.RequireCaller(), windowId, grade, className, size + 1, query.Id("after"), ct);
        http.Response.Headers["X-Total-Count"] = (await queries.CountApplicationsAsync(user.RequireCaller(), windowId, grade, className, ct))
            .ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(Paging.Page(http, found.Take(size).Select(ApplicationDto.From).ToArray(), found.Count > size, "after", a => a.Id));
    }

    private static async Task<Ok<IReadOnlyList<ApplicationDto>>> Mine(Guid windowId, ClaimsPrincipal user, SelectionQueries queries, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<ApplicationDto>>([.. (await queries.MineAsync(user.RequireCaller(), windowId, ct)).Select(ApplicationDto.From)]);

    private static async Task<Created<ApplicationDto>> Apply(Guid windowId, ApplyRequest request, ClaimsPrincipal user, SelectionCommands commands,
        SelectionQueries queries, CancellationToken ct)
    {
        var submitted = await commands.ApplyAsync(user.RequireCaller(), windowId, request, ct);
        return TypedResults.Created($"/api/selection-windows/{windowId}/applications/{submitted.Application.Id}",
            ApplicationDto.From(await queries.SubmittedAsync(submitted, ct)));
    }

    private static async Task<Ok<ApplicationDto>> Application(Guid windowId, Guid applicationId, ClaimsPrincipal user, SelectionQueries queries, CancellationToken ct) =>
        TypedResults.Ok(ApplicationDto.From(await queries.ApplicationAsync(user.RequireCaller(), windowId, applicationId, ct)));

    private static async Task<Ok<ApplicationDto>> Withdraw(Guid windowId, Guid applicationId, ClaimsPrincipal user, SelectionCommands commands,
        SelectionQueries queries, CancellationToken ct)
    {
        var caller = user.RequireCaller();
        await commands.WithdrawAsync(caller, windowId, applicationId, ct);
        return TypedResults.Ok(ApplicationDto.From(await queries.ApplicationAsync(caller, windowId, applicationId, ct)));
    }

    private static Task<Ok<ApplicationDto>> ClassReview(Guid windowId, Guid applicationId, ReviewRequest request, ClaimsPrincipal user, SelectionCommands commands,
        SelectionQueries queries, CancellationToken ct) => ReviewAsync(ReviewStep.Class, windowId, applicationId, request, user, commands, queries, ct);

    private static Task<Ok<ApplicationDto>> SchoolReview(Guid windowId, Guid applicationId, ReviewRequest request, ClaimsPrincipal user, SelectionCommands commands,
        SelectionQueries queries, CancellationToken ct) => ReviewAsync(ReviewStep.School, windowId, applicationId, request, user, commands, queries, ct);

    private static async Task<Ok<ApplicationDto>> ReviewAsync(ReviewStep step, Guid windowId, Guid applicationId, ReviewRequest request, ClaimsPrincipal user,
        SelectionCommands commands, SelectionQueries queries, CancellationToken ct)
    {
        var caller = user.RequireCaller();
        await commands.ReviewAsync(caller, windowId, applicationId, step, request.Approve, request.Reason, ct);
        return TypedResults.Ok(ApplicationDto.From(await queries.ApplicationAsync(caller, windowId, applicationId, ct)));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\S.{0,29}\z")]
    private static partial System.Text.RegularExpressions.Regex ClassName();
}
