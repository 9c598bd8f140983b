using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Core.Bookings;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Bookings;

public static class WaitlistEndpoints
{
    internal static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sessions/{sessionId:guid}/waitlist").WithTags("Waiting list").RequireAuthorization();
        group.MapPost("/", Join).WithName("JoinWaitlist").RequireAuthorization(AuthSetup.SchoolPolicy)
            .WithSummary("满员场次排队候补（仅当余位不足时）/ Join a full session's waiting list with a group; only when the session cannot take the group now (else 409 waitlist-seats-free: book directly). The same live entry again answers 200.")
            .Produces<WaitlistEntryView>(201).Produces<WaitlistEntryView>(200).ProducesValidationProblem().ProducesProblem(409);
        group.MapGet("/", List).WithName("ListWaitlist")
            .WithSummary("场次候补名单（机构见全部，学校见自己的）/ A session's waiting list in queue order: the provider sees every entry, a school its own, a bureau its districts' schools'.");
        group.MapDelete("/{entryId:guid}", Leave).WithName("LeaveWaitlist").RequireAuthorization(AuthSetup.SchoolPolicy)
            .WithSummary("退出候补；为其保留的名额转给下一组 / Leave the waiting list; seats held for the entry pass to the next group that fits.")
            .Produces(204).ProducesProblem(409);
        group.MapPost("/{entryId:guid}/accept", Accept).WithName("AcceptWaitlistHold").RequireAuthorization(AuthSetup.SchoolPolicy)
            .WithSummary("接受为本校保留的名额，生成预约 / Accept the seats held for the entry: a Requested booking takes them (repeat: 200, the same booking; after heldUntil: 409 waitlist-hold-expired).")
            .Produces<BookingView>(201).Produces<BookingView>(200).ProducesProblem(409);
    }

    private static async Task<IResult> Join(Guid sessionId, JoinWaitlistRequest request, ClaimsPrincipal user, WaitlistCommands commands, WaitlistQueries queries, CancellationToken ct)
    {
        var (entry, created) = await commands.JoinAsync(user.RequireCaller(), sessionId, request, ct);
        var view = await queries.ViewAsync(entry, ct);
        return created ? TypedResults.Created($"/api/sessions/{sessionId}/waitlist/{entry.Id}", view) : TypedResults.Ok(view);
    }

    private static async Task<Ok<IReadOnlyList<WaitlistEntryView>>> List(Guid sessionId, ClaimsPrincipal user, WaitlistQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ListAsync(user.RequireCaller(), sessionId, ct));

    private static async Task<NoContent> Leave(Guid sessionId, Guid entryId, ClaimsPrincipal user, WaitlistCommands commands, CancellationToken ct)
    {
        await commands.LeaveAsync(user.RequireCaller(), sessionId, entryId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Accept(Guid sessionId, Guid entryId, ClaimsPrincipal user, WaitlistCommands commands, BookingQueries queries, CancellationToken ct)
    {
        var (booking, created) = await commands.AcceptAsync(user.RequireCaller(), sessionId, entryId, ct);
        var view = await queries.ViewAsync(booking, ct);
        return created ? TypedResults.Created($"/api/bookings/{booking.Id}", view) : TypedResults.Ok(view);
    }
}
