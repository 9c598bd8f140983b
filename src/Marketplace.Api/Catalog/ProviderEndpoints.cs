using Marketplace.Api.Auth;
using Marketplace.Core.Catalog;
using Marketplace.Core.Catalog.Providers;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;

namespace Marketplace.Api.Catalog;

public static class ProviderEndpoints
{
    public static void MapProviders(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/providers").WithTags("Providers");
        group.MapPost("/", Register).WithName("RegisterProvider").AllowAnonymous()
            .RequireRateLimiting(Hosting.RateLimits.Login) // anonymous, and each one hashes a password: same budget as logins
            .WithSummary("机构自助注册 / Self-registration of a provider organisation with its first user; starts Pending.");
        group.MapGet("/", List).WithName("ListProviders").RequireAuthorization(AuthSetup.BureauPolicy)
            .WithSummary("机构名录（教育局）/ Providers of the bureau's districts, optionally by status.");
        group.MapGet("/{id:guid}", Get).WithName("GetProvider").RequireAuthorization()
            .WithSummary("机构详情与审核记录 / A provider with its vetting audit trail (itself or its bureau).");
        group.MapPost("/{id:guid}/approve", (Guid id, NoteRequest? body, ClaimsPrincipal user, DecideProviderHandler h, CancellationToken ct) =>
                Decide(id, ProviderDecisionKind.Approve, body?.Note, user, h, ct))
            .WithName("ApproveProvider").RequireAuthorization(AuthSetup.BureauPolicy).WithSummary("审核通过，列入白名单 / Approve onto the white list.");
        group.MapPost("/{id:guid}/reject", (Guid id, ReasonRequest body, ClaimsPrincipal user, DecideProviderHandler h, CancellationToken ct) =>
                Decide(id, ProviderDecisionKind.Reject, body.Reason, user, h, ct))
            .WithName("RejectProvider").RequireAuthorization(AuthSetup.BureauPolicy).WithSummary("驳回（须说明理由）/ Reject, with a reason.");
        group.MapPost("/{id:guid}/suspend", (Guid id, ReasonRequest body, ClaimsPrincipal user, DecideProviderHandler h, CancellationToken ct) =>
                Decide(id, ProviderDecisionKind.Suspend, body.Reason, user, h, ct))
            .WithName("SuspendProvider").RequireAuthorization(AuthSetup.BureauPolicy).WithSummary("暂停（课程下架）/ Suspend; its offerings leave search.");
    }

    private static async Task<Created<ProviderDto>> Register(RegisterProviderRequest request, RegisterProviderHandler handler, CancellationToken ct)
    {
        var provider = await handler.HandleAsync(request, ct);
        return TypedResults.Created($"/api/providers/{provider.Id}", ProviderDto.From(provider));
    }

    private static async Task<Ok<ProviderDto[]>> List(ProviderStatus? status, ClaimsPrincipal user, ProviderQueries queries, CancellationToken ct) =>
        TypedResults.Ok((await queries.ListForBureauAsync(user.RequireCaller(), status, ct)).Select(ProviderDto.From).ToArray());

    private static async Task<Ok<ProviderDto>> Get(Guid id, ClaimsPrincipal user, ProviderQueries queries, CancellationToken ct) =>
        TypedResults.Ok(ProviderDto.From(await queries.GetAsync(user.RequireCaller(), id, ct)));

    private static async Task<Ok<ProviderDto>> Decide(Guid id, ProviderDecisionKind kind, string? reason, ClaimsPrincipal user, DecideProviderHandler handler, CancellationToken ct) =>
        TypedResults.Ok(ProviderDto.From(await handler.HandleAsync(user.RequireCaller(), id, kind, reason, ct)));
}
