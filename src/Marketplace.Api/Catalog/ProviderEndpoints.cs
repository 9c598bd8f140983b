using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Api.Hosting;
using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Catalog.Providers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Catalog;

public static class ProviderEndpoints
{
    private static readonly QueryParameters ListQuery = new(
        QueryParameter.Enum<ProviderStatus>("status", "只看此状态 / only providers in this status."),
        Paging.Limit,
        QueryParameter.Id("after", "下一页：上一页最后一家机构的 id / next page: the id of the previous page's last provider."));

    internal static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/providers").WithTags("Providers");
        group.MapPost("/", Register).WithName("RegisterProvider").AllowAnonymous()
            .RequireRateLimiting(Hosting.RateLimits.Login) // anonymous, and each one hashes a password: same budget as logins
            .ProducesProblem(409) // credit code or username already registered
            .WithSummary("机构自助注册 / Self-registration of a provider organisation with its first user; starts Pending.");
        group.MapGet("/", List).WithName("ListProviders").RequireAuthorization(AuthSetup.BureauPolicy).WithQuery(ListQuery)
            .WithSummary("机构名录（教育局），每页 limit 条，下一页见 Link 头 / Providers of the bureau's districts, optionally by status, oldest first, `limit` per page (default 100, at most 500); the next page is in the Link header (rel=\"next\", `after=<last id>`).");
        group.MapGet("/{id:guid}", Get).WithName("GetProvider").RequireAuthorization()
            .WithSummary("机构详情与审核记录 / A provider with its vetting audit trail (itself or its bureau).");
        group.MapPost("/{id:guid}/approve", Approve).WithName("ApproveProvider").RequireAuthorization(AuthSetup.BureauPolicy)
            .WithSummary("审核通过，列入白名单 / Approve onto the white list.");
        group.MapPost("/{id:guid}/reject", Reject).WithName("RejectProvider").RequireAuthorization(AuthSetup.BureauPolicy)
            .WithSummary("驳回（须说明理由）/ Reject, with a reason.");
        group.MapPost("/{id:guid}/suspend", Suspend).WithName("SuspendProvider").RequireAuthorization(AuthSetup.BureauPolicy)
            .WithSummary("暂停（课程下架，待确认的预约一并婉拒）/ Suspend, with a reason: its offerings leave search, its open booking requests are declined, and it can change nothing until approved again.");
    }

    private static async Task<Created<ProviderDto>> Register(RegisterProviderRequest request, ProviderCommands commands, CancellationToken ct)
    {
        var provider = await commands.RegisterAsync(request, ct);
        return TypedResults.Created($"/api/providers/{provider.Id}", ProviderDto.From(provider));
    }

    private static async Task<Ok<IReadOnlyList<ProviderDto>>> List(HttpContext http, ClaimsPrincipal user, ProviderQueries queries, CancellationToken ct)
    {
        var query = ListQuery.Read(http.Request);
        var size = Paging.SizeOf(query);
        var found = await queries.ListForBureauAsync(user.RequireCaller(), query.Enum<ProviderStatus>("status"), size + 1, query.Id("after"), ct);
        return TypedResults.Ok(Paging.Page(http, found.Take(size).Select(ProviderDto.From).ToArray(), found.Count > size, "after", p => p.Id));
    }

    private static async Task<Ok<ProviderDto>> Get(Guid id, ClaimsPrincipal user, ProviderQueries queries, CancellationToken ct) =>
        TypedResults.Ok(ProviderDto.From(await queries.GetAsync(user.RequireCaller(), id, ct)));

    private static async Task<Ok<ProviderDto>> Approve(Guid id, DecisionRequest? body, ClaimsPrincipal user, ProviderCommands commands, CancellationToken ct) =>
        TypedResults.Ok(ProviderDto.From(await commands.ApproveAsync(user.RequireCaller(), id, DecisionRequest.TextOf(body), ct)));

    private static async Task<Ok<ProviderDto>> Reject(Guid id, DecisionRequest body, ClaimsPrincipal user, ProviderCommands commands, CancellationToken ct) =>
        TypedResults.Ok(ProviderDto.From(await commands.RejectAsync(user.RequireCaller(), id, DecisionRequest.TextOf(body), ct)));

    /// <summary>The booking module owns this use case: suspending a provider declines its open requests in the same commit.</summary>
    private static async Task<Ok<ProviderDto>> Suspend(Guid id, ReasonRequest body, ClaimsPrincipal user, BookingCommands commands, CancellationToken ct) =>
        TypedResults.Ok(ProviderDto.From(await commands.SuspendProviderAsync(user.RequireCaller(), id, body.Reason, ct)));
}
