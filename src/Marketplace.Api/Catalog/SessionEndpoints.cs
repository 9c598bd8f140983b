using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Api.Hosting;
using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Catalog.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Catalog;

public static class SessionEndpoints
{
    private static readonly QueryParameters ListQuery = new(
        Paging.Limit,
        QueryParameter.Id("after", "下一页：上一页最后一个场次的 id / next page: the id of the previous page's last session."));

    internal static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/offerings/{offeringId:guid}/sessions").WithTags("Sessions");
        group.MapPost("/", Schedule).WithName("ScheduleSessions").RequireAuthorization(AuthSetup.ProviderPolicy)
            .WithSummary("发布场次：单场或按周循环（北京时间，跳过节假日）/ One session or a weekly recurrence in Asia/Shanghai time, skipping holidays.");
        group.MapGet("/", List).WithName("ListSessions").AllowAnonymous().WithQuery(ListQuery)
            .WithSummary("场次与余位，按开始时间，每页 limit 条，下一页见 Link 头 / Sessions with capacity and free seats by start time, `limit` per page (default 100, at most 500); the next page is in the Link header (rel=\"next\", `after=<last id>`).");
        group.MapPost("/{sessionId:guid}/cancel", Cancel).WithName("CancelSession").RequireAuthorization(AuthSetup.ProviderPolicy)
            .WithSummary("取消场次（须说明理由），其预约一并取消 / Cancel a session, with a reason; its live bookings are cancelled with it.");
        group.MapPost("/{sessionId:guid}/run", Run).WithName("RunSession").RequireAuthorization(AuthSetup.ProviderPolicy)
            .WithSummary("人数不足的走出去场次照常开课，并通知已预约的学校 / Run an underfilled off-campus session as booked; the booked schools are told.");
        group.MapDelete("/{sessionId:guid}", Delete).WithName("DeleteSession").RequireAuthorization(AuthSetup.ProviderPolicy)
            .WithSummary("删除未被预约的场次 / Delete a session nobody has booked.");
    }

    private static async Task<Created<SessionDto[]>> Schedule(Guid offeringId, ScheduleSessionsRequest request, ClaimsPrincipal user,
        SessionCommands commands, DistrictQueries districts, SchoolCalendar calendar, CancellationToken ct)
    {
        var scheduled = await commands.ScheduleAsync(user.RequireCaller(), offeringId, request, ct);
        return TypedResults.Created($"/api/offerings/{offeringId}/sessions", SessionDto.From(scheduled, await districts.NamesAsync(ct), calendar));
    }

    private static async Task<Ok<IReadOnlyList<SessionDto>>> List(
        Guid offeringId, HttpContext http, ClaimsPrincipal user, SessionQueries queries, DistrictQueries districts, SchoolCalendar calendar, CancellationToken ct)
    {
        var query = ListQuery.Read(http.Request);
        var size = Paging.SizeOf(query);
        var found = await queries.ListAsync(user.ToCaller(), offeringId, size + 1, query.Id("after"), ct);
        var page = SessionDto.From(found with { Sessions = found.Sessions.Take(size).ToList() }, await districts.NamesAsync(ct), calendar);
        return TypedResults.Ok(Paging.Page(http, page, found.Sessions.Count > size, "after", s => s.Id));
    }

    /// <summary>The booking module owns this use case: cancelling a session cancels its bookings in the same commit.</summary>
    private static async Task<Ok<SessionDto>> Cancel(Guid offeringId, Guid sessionId, ReasonRequest body, ClaimsPrincipal user,
        BookingCommands commands, DistrictQueries districts, SchoolCalendar calendar, CancellationToken ct)
    {
        var (offering, provider, session) = await commands.CancelSessionAsync(user.RequireCaller(), offeringId, sessionId, body.Reason, ct);
        return TypedResults.Ok(SessionDto.From(session, offering, provider, await districts.NamesAsync(ct), calendar));
    }

    /// <summary>The booking module owns this use case too: who is told depends on the session's bookings.</summary>
    private static async Task<Ok<SessionDto>> Run(Guid offeringId, Guid sessionId, ClaimsPrincipal user,
        UnderfilledSessionCommands commands, DistrictQueries districts, SchoolCalendar calendar, CancellationToken ct)
    {
        var (offering, provider, session) = await commands.RunAsync(user.RequireCaller(), offeringId, sessionId, ct);
        return TypedResults.Ok(SessionDto.From(session, offering, provider, await districts.NamesAsync(ct), calendar));
    }

    private static async Task<NoContent> Delete(Guid offeringId, Guid sessionId, ClaimsPrincipal user, SessionCommands commands, CancellationToken ct)
    {
        await commands.DeleteAsync(user.RequireCaller(), offeringId, sessionId, ct);
        return TypedResults.NoContent();
    }
}
