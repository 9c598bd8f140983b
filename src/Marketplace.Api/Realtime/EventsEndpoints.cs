using System.Security.Claims;
using System.Text.Json;
using Marketplace.Api.Auth;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Realtime;

public sealed record FeedItem(long Cursor, string Type, DateTimeOffset At, JsonElement Data);

public sealed record FeedPage(IReadOnlyList<FeedItem> Items, long Next);

public static class EventsEndpoints
{
    public const int PageSize = 200;

    public static void MapEvents(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/events", Feed).WithName("ReadEvents").WithTags("Events").RequireAuthorization()
            .WithSummary("变更补发：取游标之后属于本机构的事件 / The caller's own change feed after a cursor, for catch-up after a disconnect.");

    private static async Task<Ok<FeedPage>> Feed(long? after, ClaimsPrincipal user, IMarketplaceStore store, CancellationToken ct)
    {
        if (after is < 0) throw ValidationFailedException.For("after", "游标不能为负 / the cursor cannot be negative.");
        var caller = user.RequireCaller();
        var events = await store.ReadEventsAsync(after ?? 0, caller.Audiences, PageSize, ct);
        var items = events.Select(e => new FeedItem(e.Cursor, e.Type, e.At, JsonDocument.Parse(e.Data).RootElement.Clone())).ToList();
        return TypedResults.Ok(new FeedPage(items, items.Count > 0 ? items[^1].Cursor : after ?? 0));
    }
}
