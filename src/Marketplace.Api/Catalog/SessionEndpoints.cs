using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Catalog;

public static class SessionEndpoints
{
    internal static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/offerings/{offeringId:guid}/sessions").WithTags("Sessions");
        group.MapPost("/", Schedule).WithName("ScheduleSessions").RequireAuthorization(AuthSetup.ProviderPolicy)
            .WithSummary("发布场次：单场或按周循环（北京时间，跳过节假日）/ One session or a weekly recurrence in Asia/Shanghai time, skipping holidays.");
        group.MapGet("/", List).WithName("ListSessions").AllowAnonymous()
            .WithSummary("场次与余位 / Sessions with capacity and free seats.");
        group.MapPost("/{sessionId:guid}/cancel", Cancel).WithName("CancelSession").RequireAuthorization(AuthSetup.ProviderPolicy)
            .WithSummary("取消场次（须说明理由），其预约一并取消 / Cancel a session, with a reason; its live bookings are cancelled with it.");
        group.MapDelete("/{sessionId:guid}", Delete).WithName("DeleteSession").RequireAuthorization(AuthSetup.ProviderPolicy)
            .WithSummary("删除未被预约的场次 / Delete a session nobody has booked.");
    }

    private static async Task<Created<SessionDto[]>> Schedule(Guid offeringId, ScheduleSessionsRequest request, ClaimsPrincipal user, SessionCommands commands, CancellationToken ct)
    {
        var sessions = await commands.ScheduleAsync(user.RequireCaller(), offeringId, request, ct);
        return TypedResults.Created($"/api/offerings/{offeringId}/sessions", sessions.Select(SessionDto.From).ToArray());
    }

    private static async Task<Ok<SessionDto[]>> List(Guid offeringId, ClaimsPrincipal user, SessionQueries queries, CancellationToken ct) =>
        TypedResults.Ok((await queries.ListAsync(user.ToCaller(), offeringId, ct)).Select(SessionDto.From).ToArray());

    /// <summary>The booking module owns this use case: cancelling a session cancels its bookings in the same commit.</summary>
    private static async Task<Ok<SessionDto>> Cancel(Guid offeringId, Guid sessionId, ReasonRequest body, ClaimsPrincipal user, BookingCommands commands, CancellationToken ct) =>
        TypedResults.Ok(SessionDto.From(await commands.CancelSessionAsync(user.RequireCaller(), offeringId, sessionId, body.Reason, ct)));

    private static async Task<NoContent> Delete(Guid offeringId, Guid sessionId, ClaimsPrincipal user, SessionCommands commands, CancellationToken ct)
    {
        await commands.DeleteAsync(user.RequireCaller(), offeringId, sessionId, ct);
        return TypedResults.NoContent();
    }
}
