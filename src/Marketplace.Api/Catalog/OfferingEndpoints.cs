using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Core.Catalog;
using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Catalog;

public static class OfferingEndpoints
{
    public static void MapOfferings(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/offerings").WithTags("Offerings");
        group.MapPost("/", Create).WithName("CreateOffering").RequireAuthorization(AuthSetup.ProviderPolicy)
            .WithSummary("新建课程（草稿）/ Create an offering as a draft.");
        group.MapGet("/", List).WithName("ListOfferings").RequireAuthorization()
            .WithSummary("本机构课程，或教育局的审核队列 / The provider's own offerings, or the bureau's review queue.");
        group.MapGet("/{id:guid}", Get).WithName("GetOffering").AllowAnonymous()
            .WithSummary("课程详情（含 ETag）/ An offering; drafts only for the owner and its bureau.");
        group.MapPut("/{id:guid}", Edit).WithName("EditOffering").RequireAuthorization(AuthSetup.ProviderPolicy)
            .WithSummary("修改课程（须 If-Match）/ Edit with If-Match; price, mode or grade changes go back to review.");
        foreach (var action in Enum.GetValues<OfferingAction>())
        {
            var route = group.MapPost("/{id:guid}/" + action.ToString().ToLowerInvariant(),
                    (Guid id, ReasonRequest? body, ClaimsPrincipal user, OfferingCommands commands, IMarketplaceStore store, HttpContext http, CancellationToken ct) =>
                        Act(id, action, body?.Reason, user, commands, store, http, ct))
                .WithName(action + "Offering").WithSummary(Summaries[action]);
            route.RequireAuthorization(action is OfferingAction.Approve or OfferingAction.Reject ? AuthSetup.BureauPolicy : AuthSetup.ProviderPolicy);
        }
    }

    private static readonly Dictionary<OfferingAction, string> Summaries = new()
    {
        [OfferingAction.Submit] = "提交审核 / Submit for the bureau's review.",
        [OfferingAction.Approve] = "审核通过并发布 / Approve and publish (bureau).",
        [OfferingAction.Reject] = "驳回（须说明理由）/ Reject with a reason (bureau).",
        [OfferingAction.Pause] = "暂停 / Pause a published offering.",
        [OfferingAction.Resume] = "恢复 / Resume a paused offering.",
        [OfferingAction.Archive] = "归档 / Archive for good.",
    };

    private static async Task<Created<OfferingDto>> Create(OfferingInput input, ClaimsPrincipal user, OfferingCommands commands, IMarketplaceStore store, HttpContext http, CancellationToken ct)
    {
        var offering = await commands.CreateAsync(user.RequireCaller(), input, ct);
        SetETag(http, offering);
        return TypedResults.Created($"/api/offerings/{offering.Id}", await ToDtoAsync(offering, store, ct));
    }

    private static async Task<Ok<OfferingDto[]>> List(OfferingStatus? status, ClaimsPrincipal user, OfferingQueries queries, IMarketplaceStore store, CancellationToken ct)
    {
        var offerings = await queries.ListAsync(user.RequireCaller(), status, ct);
        var names = (await store.FindManyAsync<Provider>(offerings.Select(o => o.ProviderId).Distinct().ToArray(), ct)).ToDictionary(p => p.Id, p => p.Name);
        return TypedResults.Ok(offerings.Select(o => OfferingDto.From(o, names.GetValueOrDefault(o.ProviderId, ""))).ToArray());
    }

    private static async Task<Ok<OfferingDto>> Get(Guid id, ClaimsPrincipal user, OfferingQueries queries, HttpContext http, CancellationToken ct)
    {
        var (offering, provider) = await queries.GetAsync(user.ToCaller(), id, ct);
        SetETag(http, offering);
        return TypedResults.Ok(OfferingDto.From(offering, provider.Name));
    }

    private static async Task<Results<Ok<OfferingDto>, ProblemHttpResult>> Edit(
        Guid id, OfferingInput input, ClaimsPrincipal user, OfferingCommands commands, IMarketplaceStore store, HttpContext http, CancellationToken ct)
    {
        if (ParseIfMatch(http.Request.Headers.IfMatch.ToString()) is not { } version)
            return TypedResults.Problem(statusCode: 428, title: "缺少 If-Match / If-Match with the offering's ETag is required.");
        var offering = await commands.EditAsync(user.RequireCaller(), id, version, input, ct);
        SetETag(http, offering);
        return TypedResults.Ok(await ToDtoAsync(offering, store, ct));
    }

    private static async Task<Ok<OfferingDto>> Act(Guid id, OfferingAction action, string? reason, ClaimsPrincipal user, OfferingCommands commands, IMarketplaceStore store, HttpContext http, CancellationToken ct)
    {
        // Optional If-Match: a reviewer who sends the ETag of the version read approves exactly that version (412 if the
        // provider edited it since). Unparsable is refused rather than ignored.
        var ifMatch = http.Request.Headers.IfMatch.ToString();
        long? expected = null;
        if (ifMatch.Length > 0 && (expected = ParseIfMatch(ifMatch)) is null)
            throw Core.Shared.ValidationFailedException.For("If-Match", "须为课程的 ETag / must be the offering's ETag.");
        var offering = await commands.ActAsync(user.RequireCaller(), id, action, reason, expected, ct);
        SetETag(http, offering);
        return TypedResults.Ok(await ToDtoAsync(offering, store, ct));
    }

    private static async Task<OfferingDto> ToDtoAsync(Offering offering, IMarketplaceStore store, CancellationToken ct) =>
        OfferingDto.From(offering, (await store.FindAsync<Provider>(offering.ProviderId, ct))?.Name ?? "");

    private static void SetETag(HttpContext http, Offering offering) => http.Response.Headers.ETag = $"\"{offering.Version}\"";

    internal static long? ParseIfMatch(string header)
    {
        var value = header.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal)) value = value[2..];
        return long.TryParse(value.Trim('"'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
    }
}
