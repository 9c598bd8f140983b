using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Api.Hosting;
using Marketplace.Core.Bookings;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Bookings;

public sealed record BookingActionRequest(string? Reason, int? Attended);

public static class BookingEndpoints
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private static readonly QueryParameters ListQuery = new(
        QueryParameter.Enum<BookingStatus>("status", "只看此状态 / only bookings in this status."),
        QueryParameter.Id("offeringId", "只看此课程 / only bookings of this offering."),
        Paging.Limit,
        QueryParameter.Id("before", "下一页：上一页最后一条的 id / next page: the id of the previous page's last booking."));

    internal static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/bookings").WithTags("Bookings").RequireAuthorization();
        group.MapPost("/", Create).WithName("CreateBooking").RequireAuthorization(AuthSetup.SchoolPolicy)
            .WithSummary("预约场次（须 Idempotency-Key）/ Book pupils on a session; seats are reserved atomically, retries are idempotent.")
            .Produces<BookingView>(201).ProducesValidationProblem().ProducesProblem(409).ProducesProblem(422);
        group.MapGet("/", List).WithName("ListBookings").WithQuery(ListQuery)
            .WithSummary("我的预约（学校/机构/教育局各见其范围），新的在前，每页 limit 条，下一页见 Link 头 / The caller's bookings (a school its own, a provider its offerings', the bureau its districts'), newest first, `limit` per page (default 100, at most 500); the next page is in the Link header (rel=\"next\", `before=<last id>`).")
            .ProducesValidationProblem();
        group.MapGet("/{id:guid}", Get).WithName("GetBooking").WithSummary("预约详情与历史 / A booking with its history.");
        group.MapPost("/{id:guid}/confirm", Confirm).WithName("ConfirmBooking").WithSummary("机构确认 / The provider confirms.");
        group.MapPost("/{id:guid}/decline", Decline).WithName("DeclineBooking")
            .WithSummary("机构婉拒（须说明理由）/ The provider declines, with a reason; seats are released.");
        group.MapPost("/{id:guid}/cancel", Cancel).WithName("CancelBooking")
            .WithSummary("取消：学校须在截止时间前；机构须说明理由 / Cancel: a school before the cut-off, a provider with a reason; seats are released.");
        group.MapPost("/{id:guid}/complete", Complete).WithName("CompleteBooking")
            .WithSummary("记录实到人数并完成 / The provider records delivery and attendance.");
    }

    private static async Task<IResult> Create(
        CreateBookingRequest request, [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey, ClaimsPrincipal user, BookingCommands commands, CancellationToken ct)
    {
        new Validator().Require(idempotencyKey is { Length: >= 8 and <= 100 }, IdempotencyKeyHeader, new("booking.idempotency-key", 8, 100)).ThrowIfInvalid();
        var result = await commands.RequestAsync(user.RequireCaller(), idempotencyKey!, request, ct);
        return new StoredJsonResult(StatusCodes.Status201Created, result.Json, $"/api/bookings/{result.BookingId}", result.Replayed);
    }

    private static async Task<Ok<IReadOnlyList<BookingView>>> List(HttpContext http, ClaimsPrincipal user, BookingQueries queries, CancellationToken ct)
    {
        var query = ListQuery.Read(http.Request);
        var size = Paging.SizeOf(query);
        // One more than the page tells whether a next page exists, without counting.
        var found = await queries.ListAsync(user.RequireCaller(), query.Enum<BookingStatus>("status"), query.Id("offeringId"), size + 1, query.Id("before"), ct);
        var page = (await queries.ViewsAsync(found.Take(size).ToList(), ct)).ToArray();
        return TypedResults.Ok(Paging.Page(http, page, found.Count > size, "before", b => b.Id));
    }

    private static async Task<Ok<BookingView>> Get(Guid id, ClaimsPrincipal user, BookingQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ViewAsync(await queries.GetAsync(user.RequireCaller(), id, ct), ct));

    private static async Task<Ok<BookingView>> Confirm(Guid id, ClaimsPrincipal user, BookingCommands commands, BookingQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ViewAsync(await commands.ConfirmAsync(user.RequireCaller(), id, ct), ct));

    private static async Task<Ok<BookingView>> Decline(Guid id, BookingActionRequest? body, ClaimsPrincipal user, BookingCommands commands, BookingQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ViewAsync(await commands.DeclineAsync(user.RequireCaller(), id, body?.Reason, ct), ct));

    private static async Task<Ok<BookingView>> Cancel(Guid id, BookingActionRequest? body, ClaimsPrincipal user, BookingCommands commands, BookingQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ViewAsync(await commands.CancelAsync(user.RequireCaller(), id, body?.Reason, ct), ct));

    private static async Task<Ok<BookingView>> Complete(Guid id, BookingActionRequest? body, ClaimsPrincipal user, BookingCommands commands, BookingQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ViewAsync(await commands.CompleteAsync(user.RequireCaller(), id, body?.Attended, ct), ct));

    /// <summary>Writes the stored response body verbatim, so a replay is byte-for-byte the first answer.</summary>
    internal sealed class StoredJsonResult(int status, string json, string location, bool replayed) : IResult
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
