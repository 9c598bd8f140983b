using System.Security.Claims;
using System.Text.Json;
using Marketplace.Api.Auth;
using Marketplace.Api.Hosting;
using Marketplace.Core.Feed;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Realtime;

public sealed record FeedItem(long Cursor, string Type, DateTimeOffset At, JsonElement Data);

public sealed record FeedPage(IReadOnlyList<FeedItem> Items, long Next);

public static class EventsEndpoints
{
    private static readonly QueryParameters FeedQuery = new(
        QueryParameter.Number("after", 0, long.MaxValue, "游标：上次读到的最后一个 cursor / the last cursor the client has seen."));

    internal static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/events", Feed).WithName("ReadEvents").WithTags("Events").RequireAuthorization().WithQuery(FeedQuery)
            .WithSummary("变更补发：取游标之后属于本机构的事件 / The caller's own change feed after a cursor, for catch-up after a disconnect.");

    private static async Task<Ok<FeedPage>> Feed(HttpContext http, ClaimsPrincipal user, ChangeFeedQueries feed, CancellationToken ct)
    {
        var after = FeedQuery.Read(http.Request).Number("after");
        var events = await feed.ReadAsync(user.RequireCaller(), after, ct);
        var items = events.Select(e => new FeedItem(e.Cursor, e.Type, e.At, JsonDocument.Parse(e.Data).RootElement.Clone())).ToList();
        return TypedResults.Ok(new FeedPage(items, items.Count > 0 ? items[^1].Cursor : after ?? 0));
    }
}
