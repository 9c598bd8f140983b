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
        group.MapGet("/", List).WithName("ListProviders").RequireAuthorization(AuthSetup.OversightPolicy).WithQuery(ListQuery)
            .WithSummary("机构名录（区县教育局：本区县；市教育局：全市各区县，只读），status 按本辖区的白名单条目筛选，每页 limit 条，下一页见 Link 头 / Providers that applied to the bureau's districts (a city bureau: its city's, read only); `status` matches their entry in one of those districts; oldest first, `limit` per page (default 100, at most 500); the next page is in the Link header (rel=\"next\", `after=<last id>`).");
        group.MapGet("/{id:guid}", Get).WithName("GetProvider").RequireAuthorization()
            .WithSummary("机构详情、各区县白名单条目与审核记录 / A provider with its white-list entry per district and its vetting audit trail (itself, or a district or city bureau of its districts).");
        group.MapPost("/{id:guid}/districts", ApplyForDistricts).WithName("ApplyForDistricts").RequireAuthorization(AuthSetup.ProviderPolicy)
            .ProducesProblem(409) // a district already applied to and not rejected
            .WithSummary("申请新增服务区县（由各区县教育局分别审核）/ The provider applies to further districts: a pending entry each, decided by that district's bureau.");
        group.MapPost("/{id:guid}/approve", Approve).WithName("ApproveProvider").RequireAuthorization(AuthSetup.BureauPolicy)
            .WithSummary("本区县审核通过，列入白名单（district 可省略：本局与机构仅共有一个区县时）/ Approve the provider's entry in the bureau's district onto its white list; `district` may be left out when the bureau shares exactly one district with the provider.");
        group.MapPost("/{id:guid}/reject", Reject).WithName("RejectProvider").RequireAuthorization(AuthSetup.BureauPolicy)
            .WithSummary("本区县驳回（须说明理由）/ Reject the provider's entry in the bureau's district, with a reason.");
        group.MapPost("/{id:guid}/suspend", Suspend).WithName("SuspendProvider").RequireAuthorization(AuthSetup.BureauPolicy)
            .WithSummary("本区县暂停（本区县的待确认预约一并婉拒）/ Suspend the provider in the bureau's district, with a reason: its offerings leave that district, its open booking requests from that district are declined, and it cannot answer that district's bookings until approved there again. Other districts' entries stay as they are.");
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

    private static async Task<Ok<ProviderDto>> ApplyForDistricts(Guid id, ApplyDistrictsRequest body, ClaimsPrincipal user, ProviderCommands commands, CancellationToken ct) =>
        TypedResults.Ok(ProviderDto.From(await commands.ApplyForDistrictsAsync(user.RequireCaller(), id, body.Districts, ct)));

    private static async Task<Ok<ProviderDto>> Approve(Guid id, VettingRequest? body, ClaimsPrincipal user, ProviderCommands commands, CancellationToken ct) =>
        TypedResults.Ok(ProviderDto.From(await commands.ApproveAsync(user.RequireCaller(), id, body?.District, body?.Text, ct)));

    private static async Task<Ok<ProviderDto>> Reject(Guid id, VettingRequest body, ClaimsPrincipal user, ProviderCommands commands, CancellationToken ct) =>
        TypedResults.Ok(ProviderDto.From(await commands.RejectAsync(user.RequireCaller(), id, body.District, body.Text, ct)));

    /// <summary>The booking module owns this use case: suspending a provider declines its open requests there in the same commit.</summary>
    private static async Task<Ok<ProviderDto>> Suspend(Guid id, DistrictReasonRequest body, ClaimsPrincipal user, BookingCommands commands, CancellationToken ct) =>
        TypedResults.Ok(ProviderDto.From(await commands.SuspendProviderAsync(user.RequireCaller(), id, body.District, body.Reason, ct)));
}
