using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Core.Booking;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Booking;

public static class BookingEndpoints
{
    public static void MapBookings(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/bookings").WithTags("Bookings").RequireAuthorization();
        group.MapPost("/", Create).WithName("CreateBooking").RequireAuthorization(AuthSetup.SchoolPolicy)
            .WithSummary("预约场次（须 Idempotency-Key）/ Book pupils on a session; seats are reserved atomically, retries are idempotent.")
            .Produces<BookingView>(201).ProducesProblem(400).ProducesProblem(409).ProducesProblem(422);
        group.MapGet("/", List).WithName("ListBookings")
            .WithSummary("我的预约（学校/机构/教育局各见其范围）/ The caller's bookings: a school its own, a provider its offerings', the bureau its districts'.");
        group.MapGet("/{id:guid}", Get).WithName("GetBooking").WithSummary("预约详情与历史 / A booking with its history.");
        foreach (var action in Enum.GetValues<BookingAction>())
        {
            group.MapPost("/{id:guid}/" + action.ToString().ToLowerInvariant(),
                    (Guid id, BookingActionRequest? body, ClaimsPrincipal user, BookingCommands commands, CancellationToken ct) => Act(id, action, body, user, commands, ct))
                .WithName(action + "Booking").WithSummary(Summaries[action]);
        }
    }

    private static readonly Dictionary<BookingAction, string> Summaries = new()
    {
        [BookingAction.Confirm] = "机构确认 / The provider confirms.",
        [BookingAction.Decline] = "机构婉拒（须说明理由）/ The provider declines, with a reason; seats are released.",
        [BookingAction.Cancel] = "取消：学校须在截止时间前；机构须说明理由 / Cancel: a school before the cut-off, a provider with a reason; seats are released.",
        [BookingAction.Complete] = "记录实到人数并完成 / The provider records delivery and attendance.",
    };

    private static async Task<IResult> Create(
        CreateBookingRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, ClaimsPrincipal user, CreateBookingHandler handler, CancellationToken ct)
    {
        try
        {
            var result = await handler.HandleAsync(user.RequireCaller(), idempotencyKey, request, ct);
            var id = System.Text.Json.JsonDocument.Parse(result.Json).RootElement.GetProperty("id").GetString();
            return new StoredJsonResult(result.StatusCode, result.Json, $"/api/bookings/{id}", result.Replayed);
        }
        catch (IdempotencyMismatchException e)
        {
            return TypedResults.Problem(statusCode: 422, title: "Idempotency-Key 冲突 / Idempotency-Key reused with a different request.", detail: e.Message);
        }
    }

    private static async Task<Ok<BookingView[]>> List(BookingStatus? status, Guid? offeringId, ClaimsPrincipal user, BookingCommands commands, CancellationToken ct) =>
        TypedResults.Ok((await commands.ListAsync(user.RequireCaller(), status, offeringId, ct)).Select(BookingView.From).ToArray());

    private static async Task<Ok<BookingView>> Get(Guid id, ClaimsPrincipal user, BookingCommands commands, CancellationToken ct) =>
        TypedResults.Ok(BookingView.From(await commands.GetAsync(user.RequireCaller(), id, ct)));

    private static async Task<Ok<BookingView>> Act(Guid id, BookingAction action, BookingActionRequest? body, ClaimsPrincipal user, BookingCommands commands, CancellationToken ct) =>
        TypedResults.Ok(BookingView.From(await commands.ActAsync(user.RequireCaller(), id, action, body ?? new BookingActionRequest(null, null), ct)));

    /// <summary>Writes the stored response body verbatim, so a replay is byte-for-byte the first answer.</summary>
    private sealed class StoredJsonResult(int status, string json, string location, bool replayed) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = status;
            http.Response.Headers.Location = location;
            if (replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
            http.Response.ContentType = "application/json; charset=utf-8";
            await http.Response.WriteAsync(json);
        }
    }
}
