using Marketplace.Api.Auth;
using Marketplace.Api.Hosting;
using Marketplace.Core.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Admin;

/// <summary>An organisation's users, managed by its own admin (org role Admin) or the administrator; anyone else gets 404.</summary>
public static class UserEndpoints
{
    private static readonly QueryParameters ListQuery = new(
        Paging.Limit,
        QueryParameter.Id("after", "下一页：上一页最后一位用户的 id / next page: the id of the previous page's last user."));

    internal static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/organisations/{orgId:guid}/users").WithTags("Accounts").RequireAuthorization();
        group.MapGet("/", List).WithName("ListOrganisationUsers").WithQuery(ListQuery)
            .WithSummary("本单位用户（单位管理员或平台管理员）/ The organisation's users, for its admin or the administrator, in id order, `limit` per page; the next page is in the Link header.");
        group.MapGet("/{userId:guid}", Get).WithName("GetOrganisationUser")
            .WithSummary("本单位的一位用户 / One user of the organisation.");
        group.MapPost("/", Add).WithName("AddOrganisationUser")
            .WithSummary("添加本单位用户（角色同本单位；orgRole 为 Admin 或 Staff）/ Add a user to the organisation (its role is the organisation's; orgRole Admin or Staff).");
        group.MapPost("/{userId:guid}/disable", Disable).WithName("DisableOrganisationUser")
            .WithSummary("停用用户（须说明理由；其令牌随即失效；不能停用自己或最后一位单位管理员）/ Disable a user, with a reason: it cannot sign in and its tokens are refused; not oneself, not the last org admin.");
        group.MapPost("/{userId:guid}/enable", Enable).WithName("EnableOrganisationUser")
            .WithSummary("恢复用户 / Enable a disabled user again.");
        group.MapPost("/{userId:guid}/reset-password", ResetPassword).WithName("ResetOrganisationUserPassword")
            .WithSummary("重置密码（用户下次登录须修改；解除锁定；旧令牌失效）/ Set a new password the user must change at the next sign-in; clears a lockout; its tokens are refused.");
        group.MapPut("/{userId:guid}/classes", SetClasses).WithName("SetOrganisationUserClasses").ProducesProblem(409)
            .WithSummary("学校用户所带班级（\"年级-班级\"，如 \"3-2班\"）：班主任只能审核这些班级的选课申请 / A school user's classes (\"grade-class\", e.g. \"3-2班\"): as a class teacher it reviews only these classes' selection applications.");
    }

    private static async Task<Ok<IReadOnlyList<UserDto>>> List(Guid orgId, HttpContext http, UserQueries users, CancellationToken ct)
    {
        var query = ListQuery.Read(http.Request);
        var size = Paging.SizeOf(query);
        var found = await users.ListAsync(http.RequireCaller(), orgId, size + 1, query.Id("after"), ct);
        return TypedResults.Ok(Paging.Page(http, found.Take(size).Select(UserDto.From).ToArray(), found.Count > size, "after", u => u.Id));
    }

    private static async Task<Ok<UserDto>> Get(Guid orgId, Guid userId, HttpContext http, UserQueries users, CancellationToken ct) =>
        TypedResults.Ok(UserDto.From(await users.GetAsync(http.RequireCaller(), orgId, userId, ct)));

    private static async Task<Created<UserDto>> Add(Guid orgId, AddUserRequest request, HttpContext http, UserCommands commands, CancellationToken ct)
    {
        var user = await commands.AddAsync(http.RequireCaller(), orgId, request, ct);
        return TypedResults.Created($"/api/organisations/{orgId}/users/{user.Id}", UserDto.From(user));
    }

    private static async Task<Ok<UserDto>> Disable(Guid orgId, Guid userId, DisableRequest request, HttpContext http, UserCommands commands,
        StandingCache standings, CancellationToken ct)
    {
        var user = await commands.DisableAsync(http.RequireCaller(), orgId, userId, request.Reason, ct);
        standings.Forget(user.Id);
        return TypedResults.Ok(UserDto.From(user));
    }

    private static async Task<Ok<UserDto>> Enable(Guid orgId, Guid userId, HttpContext http, UserCommands commands, StandingCache standings, CancellationToken ct)
    {
        var user = await commands.EnableAsync(http.RequireCaller(), orgId, userId, ct);
        standings.Forget(user.Id);
        return TypedResults.Ok(UserDto.From(user));
    }

    private static async Task<Ok<UserDto>> SetClasses(Guid orgId, Guid userId, ClassesRequest request, HttpContext http, UserCommands commands, CancellationToken ct) =>
        TypedResults.Ok(UserDto.From(await commands.SetClassesAsync(http.RequireCaller(), orgId, userId, request.Classes, ct)));

    private static async Task<Ok<UserDto>> ResetPassword(Guid orgId, Guid userId, ResetPasswordRequest request, HttpContext http, UserCommands commands,
        StandingCache standings, CancellationToken ct)
    {
        var user = await commands.ResetPasswordAsync(http.RequireCaller(), orgId, userId, request, ct);
        standings.Forget(user.Id);
        return TypedResults.Ok(UserDto.From(user));
    }
}
