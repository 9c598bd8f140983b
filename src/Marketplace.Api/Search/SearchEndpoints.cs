using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Api.Outbox;
using Marketplace.Core.Catalog;
using Marketplace.Core.Search;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Search;

public sealed record SearchResponse(long Total, int Page, int PageSize, IReadOnlyList<SearchItemDto> Items, SearchFacets Facets);

public sealed record SearchItemDto(
    Guid Id, string Title, string Summary, Category Category, DeliveryMode Mode, string ProviderName, long PriceFen, IReadOnlyList<int> Grades,
    double? DistanceKm, IReadOnlyDictionary<string, IReadOnlyList<string>> Highlights, SessionSlot? NextSession)
{
    /// <summary>The first sessions in the searched range (at most 5), each with <c>fits</c>: whether it lies in the asked windows (null without any).</summary>
    public IReadOnlyList<SessionFit> Upcoming { get; init; } = [];

    /// <summary>请进来 serving the searching school's district: the provider comes to the school (<c>distanceKm</c> 0).</summary>
    public bool ComesToYou { get; init; }
}

public static class SearchEndpoints
{
    internal static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/search/offerings", Search).WithName("SearchOfferings").WithTags("Search").AllowAnonymous()
            .WithSummary("中文检索课程：筛选、排序、分面、高亮；按星期、时段或本校一校一案时段（fitsPlan）筛选场次 / Chinese full-text search with filters, sorts, facets and highlights; sessions by weekday, time of day or the school plan's windows (fitsPlan).");
        app.MapPost("/api/admin/search/rebuild", Rebuild).WithName("RebuildSearchIndex").WithTags("Search")
            .RequireAuthorization(p => p.RequireRole(nameof(Core.Shared.Role.Bureau), nameof(Core.Shared.Role.Administrator)))
            .WithSummary("从主库重建索引（教育局或平台管理员）/ Rebuild the index from the store (no downtime); a district bureau or the administrator.");
    }

    private static async Task<Ok<SearchResponse>> Search(HttpRequest request, ClaimsPrincipal user, SearchQueries queries, CancellationToken ct)
    {
        // The query string as sent, every value of a repeated parameter kept apart; SearchQueries validates and resolves it.
        var parameters = request.Query.ToDictionary(
            q => q.Key, q => (IReadOnlyList<string>)[.. q.Value.Select(v => v ?? "")], StringComparer.OrdinalIgnoreCase);
        var (query, result) = await queries.SearchAsync(user.ToCaller(), new SearchParameters(parameters), ct);
        return TypedResults.Ok(new SearchResponse(result.Total, query.Page, query.PageSize,
            result.Items.Select(h => new SearchItemDto(h.Id, h.Title, h.Summary, h.Category, h.Mode, h.ProviderName, h.PriceFen, h.Grades,
                h.DistanceKm is { } d ? Math.Round(d, 2) : null, h.Highlights, h.NextSession)
            {
                Upcoming = h.Upcoming,
                ComesToYou = h.ComesToYou,
            }).ToList(), result.Facets));
    }

    private static async Task<Ok<RebuildResponse>> Rebuild(IndexRebuild rebuild, CancellationToken ct) =>
        TypedResults.Ok(new RebuildResponse(await rebuild.RebuildAsync(ct)));

    public sealed record RebuildResponse(long Indexed);
}
