using Marketplace.Api.Auth;
using Marketplace.Api.Hosting;
using Marketplace.Core.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Admin;

/// <summary>The administrator's organisations: bureaus (district or city level) with their first user; disabling any organisation.</summary>
public static class OrganisationEndpoints
{
    private static readonly QueryParameters ListQuery = new(
        QueryParameter.Enum<BureauLevel>("level", "只看此级别 / only bureaus of this level."),
        Paging.Limit,
        QueryParameter.Id("after", "下一页：上一页最后一个单位的 id / next page: the id of the previous page's last organisation."));

    internal static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/organisations").WithTags("Administration").RequireAuthorization(AuthSetup.AdministratorPolicy);
        group.MapGet("/", List).WithName("ListBureauOrganisations").WithQuery(ListQuery)
            .WithSummary("教育局单位（区县级或市级），每页 limit 条 / Bureau organisations, optionally of one level, in id order, `limit` per page; the next page is in the Link header.");
        group.MapGet("/{id:guid}", Get).WithName("GetBureauOrganisation")
            .WithSummary("一个教育局单位 / One bureau organisation.");
        group.MapPost("/", Create).WithName("CreateBureauOrganisation")
            .WithSummary("新建教育局及其首位用户（单位管理员）/ Create a district or city bureau with its first user, its org admin.");
        group.MapPost("/{id:guid}/disable", Disable).WithName("DisableOrganisation")
            .WithSummary("停用任一单位（教育局、机构、学校；须说明理由）：其用户不能登录，令牌随即失效 / Disable any organisation, with a reason: its users cannot sign in and their tokens are refused.");
        group.MapPost("/{id:guid}/enable", Enable).WithName("EnableOrganisation")
            .WithSummary("恢复单位 / Enable an organisation again.");
    }

    private static async Task<Ok<IReadOnlyList<OrganisationDto>>> List(HttpContext http, OrganizationQueries queries, CancellationToken ct)
    {
        var query = ListQuery.Read(http.Request);
        var size = Paging.SizeOf(query);
        var found = await queries.ListBureausAsync(http.RequireCaller(), query.Enum<BureauLevel>("level"), size + 1, query.Id("after"), ct);
        return TypedResults.Ok(Paging.Page(http, found.Take(size).Select(OrganisationDto.From).ToArray(), found.Count > size, "after", o => o.Id));
    }

    private static async Task<Ok<OrganisationDto>> Get(Guid id, HttpContext http, OrganizationQueries queries, CancellationToken ct) =>
        TypedResults.Ok(OrganisationDto.From(await queries.GetBureauAsync(http.RequireCaller(), id, ct)));

    private static async Task<Created<CreatedOrganisationDto>> Create(CreateBureauRequest request, HttpContext http, OrganizationCommands commands, CancellationToken ct)
    {
        var (bureau, user) = await commands.CreateBureauAsync(http.RequireCaller(), request, ct);
        return TypedResults.Created($"/api/admin/organisations/{bureau.Id}", new CreatedOrganisationDto(OrganisationDto.From(bureau), UserDto.From(user)));
    }

    private static async Task<Ok<OrganisationStandingDto>> Disable(Guid id, DisableRequest request, HttpContext http, OrganizationCommands commands,
        StandingCache standings, CancellationToken ct) =>
        Answer(await commands.DisableAsync(http.RequireCaller(), id, request.Reason, ct), standings);

    private static async Task<Ok<OrganisationStandingDto>> Enable(Guid id, HttpContext http, OrganizationCommands commands, StandingCache standings, CancellationToken ct) =>
        Answer(await commands.EnableAsync(http.RequireCaller(), id, ct), standings);

    private static Ok<OrganisationStandingDto> Answer(OrganisationStanding standing, StandingCache standings)
    {
        standings.Forget(standing.UserIds);
        return TypedResults.Ok(new OrganisationStandingDto(standing.OrganizationId, standing.Status, standing.UserIds.Count));
    }
}
