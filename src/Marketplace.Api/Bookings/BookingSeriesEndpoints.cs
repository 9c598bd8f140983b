using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Api.Hosting;
using Marketplace.Core.Bookings;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Bookings;

/// <summary>Booking series (issue 13): one group on many sessions of an offering, in one request and one commit.</summary>
public static class BookingSeriesEndpoints
{
    private static readonly QueryParameters ListQuery = new(
        QueryParameter.Enum<SeriesStatus>("status", "只看此状态 / only series in this status."),
        Paging.Limit,
        QueryParameter.Id("before", "下一页：上一页最后一条的 id / next page: the id of the previous page's last series."));

    internal static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/booking-series").WithTags("Booking series").RequireAuthorization();
        group.MapPost("/", Create).WithName("CreateBookingSeries").RequireAuthorization(AuthSetup.SchoolPolicy)
            .WithSummary("整学期预约：一个班组预约课程在日期范围内的全部场次或所选场次（须 Idempotency-Key；默认全部成功或全部不约，allowPartial 约能约的）/ Book one group onto every session of an offering in a date range, or the sessions named, in one transaction (Idempotency-Key required); all or nothing unless allowPartial.")
            .Produces<BookingSeriesView>(201).ProducesValidationProblem().ProducesProblem(409).ProducesProblem(422);
        group.MapGet("/", List).WithName("ListBookingSeries").WithQuery(ListQuery)
            .WithSummary("我的系列预约，新的在前，下一页见 Link 头 / The caller's booking series (a school its own, a provider its offerings', the bureau its districts'), newest first; the next page is in the Link header.")
            .ProducesValidationProblem();
        group.MapGet("/{id:guid}", Get).WithName("GetBookingSeries").WithSummary("系列预约详情：各场次状态与合计 / A series with its sessions' states and totals.");
        group.MapPost("/{id:guid}/confirm", Confirm).WithName("ConfirmBookingSeries").WithSummary("机构确认整个系列 / The provider confirms the whole series.");
        group.MapPost("/{id:guid}/decline", Decline).WithName("DeclineBookingSeries")
            .WithSummary("机构婉拒整个系列（须说明理由）/ The provider declines the series, with a reason; its open requests' seats are released.");
        group.MapPost("/{id:guid}/cancel", Cancel).WithName("CancelBookingSeries")
            .WithSummary("取消系列中尚可取消的全部场次；不能取消的列于 kept / Cancel every session of the series the caller may still cancel; those kept are listed.");
    }

    private static async Task<IResult> Create(
        CreateSeriesRequest request, [FromHeader(Name = BookingEndpoints.IdempotencyKeyHeader)] string? idempotencyKey, ClaimsPrincipal user,
        BookingSeriesCommands commands, CancellationToken ct)
    {
        new Validator().Require(idempotencyKey is { Length: >= 8 and <= 100 }, BookingEndpoints.IdempotencyKeyHeader, new("booking.idempotency-key", 8, 100)).ThrowIfInvalid();
        var result = await commands.RequestAsync(user.RequireCaller(), idempotencyKey!, request, ct);
        return new BookingEndpoints.StoredJsonResult(StatusCodes.Status201Created, result.Json, $"/api/booking-series/{result.SeriesId}", result.Replayed);
    }

    private static async Task<Ok<IReadOnlyList<BookingSeriesView>>> List(HttpContext http, ClaimsPrincipal user, BookingSeriesQueries queries, CancellationToken ct)
    {
        var query = ListQuery.Read(http.Request);
        var size = Paging.SizeOf(query);
        var found = await queries.ListAsync(user.RequireCaller(), query.Enum<SeriesStatus>("status"), size + 1, query.Id("before"), ct);
        var page = (await queries.ViewsAsync(found.Take(size).ToList(), ct)).ToArray();
        return TypedResults.Ok(Paging.Page(http, page, found.Count > size, "before", s => s.Id));
    }

    private static async Task<Ok<BookingSeriesView>> Get(Guid id, ClaimsPrincipal user, BookingSeriesQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ViewAsync(await queries.GetAsync(user.RequireCaller(), id, ct), ct));

    private static async Task<Ok<BookingSeriesView>> Confirm(Guid id, ClaimsPrincipal user, BookingSeriesCommands commands, BookingSeriesQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ViewAsync(await commands.ConfirmAsync(user.RequireCaller(), id, ct), ct));

    private static async Task<Ok<BookingSeriesView>> Decline(Guid id, BookingActionRequest? body, ClaimsPrincipal user, BookingSeriesCommands commands, BookingSeriesQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ViewAsync(await commands.DeclineAsync(user.RequireCaller(), id, body?.Reason, ct), ct));

    private static async Task<Ok<BookingSeriesView>> Cancel(Guid id, BookingActionRequest? body, ClaimsPrincipal user, BookingSeriesCommands commands, BookingSeriesQueries queries, CancellationToken ct)
    {
        var result = await commands.CancelAsync(user.RequireCaller(), id, body?.Reason, ct);
        return TypedResults.Ok(await queries.ViewAsync(result.Series, ct) with { Kept = result.Kept });
    }
}
