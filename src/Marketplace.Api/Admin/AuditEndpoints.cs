using Marketplace.Api.Auth;
using Marketplace.Api.Hosting;
using Marketplace.Core.Identity;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Admin;

/// <summary>The audit trail of administrative actions: who, what, when, from where.</summary>
public static class AuditEndpoints
{
    private static readonly QueryParameters ListQuery = new(
        QueryParameter.DistrictCode("district", "只看此区县 / only entries about this district (a bureau: one of its own)."),
        QueryParameter.Id("organisationId", "只看此单位 / only entries about this organisation."),
        Paging.Limit,
        QueryParameter.Id("before", "下一页：上一页最后一条的 id / next page: the id of the previous page's last entry."));

    internal static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/audit", List).WithName("ListAudit").WithTags("Administration").WithQuery(ListQuery)
            .RequireAuthorization(p => p.RequireRole(nameof(Role.Bureau), nameof(Role.CityBureau), nameof(Role.Administrator)))
            .WithSummary("管理操作审计记录，最新在前（区县教育局看本区县，市教育局看本市各区县，平台管理员看全部）/ The audit trail, newest first: a district bureau reads its district's entries, a city bureau its districts', the administrator every entry; the next page is in the Link header (`before=<last id>`).");

    private static async Task<Ok<IReadOnlyList<AuditEntryDto>>> List(HttpContext http, AuditQueries queries, CancellationToken ct)
    {
        var query = ListQuery.Read(http.Request);
        var size = Paging.SizeOf(query);
        var found = await queries.ListAsync(http.RequireCaller(), query.DistrictCode("district"), query.Id("organisationId"), size + 1, query.Id("before"), ct);
        return TypedResults.Ok(Paging.Page(http, found.Take(size).Select(AuditEntryDto.From).ToArray(), found.Count > size, "before", e => e.Id));
    }
}
