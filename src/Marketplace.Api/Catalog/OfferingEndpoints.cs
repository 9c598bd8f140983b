using Marketplace.Api.Localization;
using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Api.Hosting;
using Marketplace.Core.Catalog;
using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Catalog;

public static class OfferingEndpoints
{
    private static readonly QueryParameters ListQuery = new(
        QueryParameter.Enum<OfferingStatus>("status", "只看此状态 / only offerings in this status."),
        Paging.Limit,
        QueryParameter.Id("after", "下一页：上一页最后一门课程的 id / next page: the id of the previous page's last offering."));

    internal static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/offerings").WithTags("Offerings");
        group.MapPost("/", Create).WithName("CreateOffering").RequireAuthorization(AuthSetup.ProviderPolicy)
            .WithSummary("新建课程（草稿）/ Create an offering as a draft.");
        group.MapGet("/", List).WithName("ListOfferings").RequireAuthorization().WithQuery(ListQuery)
            .WithSummary("本机构课程，或教育局（区县、市级只读）辖区机构的课程，每页 limit 条，下一页见 Link 头 / The provider's own offerings, or those of the providers of a district or city bureau's districts (its review queue with status=PendingReview; a city bureau reads only), oldest first, `limit` per page (default 100, at most 500); the next page is in the Link header (rel=\"next\", `after=<last id>`).");
        group.MapGet("/{id:guid}", Get).WithName("GetOffering").AllowAnonymous()
            .WithSummary("课程详情（含 ETag）/ An offering; drafts only for the owner and its bureau.");
        group.MapPut("/{id:guid}", Edit).WithName("EditOffering").RequireAuthorization(AuthSetup.ProviderPolicy).WithIfMatch(required: true)
            .WithSummary("修改课程（须 If-Match）/ Edit with If-Match; price, mode or grade changes go back to review.");
        // Transitions take an optional If-Match: a reviewer who sends the ETag of the version read acts on exactly that version.
        group.MapPost("/{id:guid}/submit", Submit).WithName("SubmitOffering").RequireAuthorization(AuthSetup.ProviderPolicy).WithIfMatch()
            .WithSummary("提交审核 / Submit for the bureau's review.");
        group.MapPost("/{id:guid}/approve", Approve).WithName("ApproveOffering").RequireAuthorization(AuthSetup.BureauPolicy).WithIfMatch()
            .WithSummary("审核通过并发布（机构属地区县教育局）/ Approve and publish (the bureau of the provider's home district while approved there, else of its earliest approved district).");
        group.MapPost("/{id:guid}/reject", Reject).WithName("RejectOffering").RequireAuthorization(AuthSetup.BureauPolicy).WithIfMatch()
            .WithSummary("驳回（须说明理由，机构属地区县教育局）/ Reject with a reason (the reviewing bureau, as for approve).");
        group.MapPost("/{id:guid}/block", Block).WithName("BlockOffering").RequireAuthorization(AuthSetup.BureauPolicy).WithIfMatch()
            .ProducesProblem(409) // already blocked there
            .WithSummary("在本区县屏蔽课程（须说明理由；机构须已获本区县准入）/ Block the offering for the bureau's district's schools, with a reason (the provider must be approved there); other districts are not affected.");
        group.MapPost("/{id:guid}/unblock", Unblock).WithName("UnblockOffering").RequireAuthorization(AuthSetup.BureauPolicy).WithIfMatch()
            .ProducesProblem(409) // not blocked there
            .WithSummary("解除本区县的屏蔽 / Lift the bureau's own district's block.");
        group.MapPost("/{id:guid}/pause", Pause).WithName("PauseOffering").RequireAuthorization(AuthSetup.ProviderPolicy).WithIfMatch()
            .WithSummary("暂停 / Pause a published offering.");
        group.MapPost("/{id:guid}/resume", Resume).WithName("ResumeOffering").RequireAuthorization(AuthSetup.ProviderPolicy).WithIfMatch()
            .WithSummary("恢复 / Resume a paused offering.");
        group.MapPost("/{id:guid}/archive", Archive).WithName("ArchiveOffering").RequireAuthorization(AuthSetup.ProviderPolicy).WithIfMatch()
            .WithSummary("归档 / Archive for good.");
    }

    private static async Task<Created<OfferingDto>> Create(
        OfferingInput input, ClaimsPrincipal user, OfferingCommands commands, DistrictQueries districts, HttpContext http, CancellationToken ct)
    {
        var (offering, provider) = await commands.CreateAsync(user.RequireCaller(), input, ct);
        return TypedResults.Created($"/api/offerings/{offering.Id}", Versioned(http, offering, provider, await districts.NamesAsync(ct)));
    }

    private static async Task<Ok<IReadOnlyList<OfferingDto>>> List(
        HttpContext http, ClaimsPrincipal user, OfferingQueries queries, DistrictQueries districts, CancellationToken ct)
    {
        var query = ListQuery.Read(http.Request);
        var size = Paging.SizeOf(query);
        var found = await queries.ListAsync(user.RequireCaller(), query.Enum<OfferingStatus>("status"), size + 1, query.Id("after"), ct);
        var names = await districts.NamesAsync(ct);
        // Every offering listed is the caller's own or of its districts: the review trail is shown.
        var page = found.Take(size).Select(o => OfferingDto.From(o.Offering, o.ProviderName, names, showDecisions: true)).ToArray();
        return TypedResults.Ok(Paging.Page(http, page, found.Count > size, "after", o => o.Id));
    }

    private static async Task<Ok<OfferingDto>> Get(Guid id, ClaimsPrincipal user, OfferingQueries queries, DistrictQueries districts, HttpContext http, CancellationToken ct) =>
        await DoneAsync(http, districts, queries.GetAsync(user.ToCaller(), id, ct), ct);

    private static async Task<Results<Ok<OfferingDto>, ProblemHttpResult>> Edit(
        Guid id, OfferingInput input, ClaimsPrincipal user, OfferingCommands commands, DistrictQueries districts, HttpContext http, CancellationToken ct)
    {
        if (ParseIfMatch(http.Request.Headers.IfMatch.ToString()) is not { } version)
            return TypedResults.Problem(statusCode: 428, title: http.Render(new("offering.if-match-required")));
        return await DoneAsync(http, districts, commands.EditAsync(user.RequireCaller(), id, version, input, ct), ct);
    }

    private static async Task<Ok<OfferingDto>> Submit(Guid id, ClaimsPrincipal user, OfferingCommands commands, DistrictQueries districts, HttpContext http, CancellationToken ct) =>
        await DoneAsync(http, districts, commands.SubmitAsync(user.RequireCaller(), id, OptionalIfMatch(http), ct), ct);

    private static async Task<Ok<OfferingDto>> Approve(
        Guid id, DecisionRequest? body, ClaimsPrincipal user, OfferingCommands commands, DistrictQueries districts, HttpContext http, CancellationToken ct) =>
        await DoneAsync(http, districts, commands.ApproveAsync(user.RequireCaller(), id, DecisionRequest.TextOf(body), OptionalIfMatch(http), ct), ct);

    private static async Task<Ok<OfferingDto>> Reject(
        Guid id, DecisionRequest? body, ClaimsPrincipal user, OfferingCommands commands, DistrictQueries districts, HttpContext http, CancellationToken ct) =>
        await DoneAsync(http, districts, commands.RejectAsync(user.RequireCaller(), id, DecisionRequest.TextOf(body), OptionalIfMatch(http), ct), ct);

    private static async Task<Ok<OfferingDto>> Block(
        Guid id, DistrictReasonRequest body, ClaimsPrincipal user, OfferingCommands commands, DistrictQueries districts, HttpContext http, CancellationToken ct) =>
        await DoneAsync(http, districts, commands.BlockAsync(user.RequireCaller(), id, body.District, body.Reason, OptionalIfMatch(http), ct), ct);

    private static async Task<Ok<OfferingDto>> Unblock(
        Guid id, DistrictRequest? body, ClaimsPrincipal user, OfferingCommands commands, DistrictQueries districts, HttpContext http, CancellationToken ct) =>
        await DoneAsync(http, districts, commands.UnblockAsync(user.RequireCaller(), id, body?.District, OptionalIfMatch(http), ct), ct);

    private static async Task<Ok<OfferingDto>> Pause(Guid id, ClaimsPrincipal user, OfferingCommands commands, DistrictQueries districts, HttpContext http, CancellationToken ct) =>
        await DoneAsync(http, districts, commands.PauseAsync(user.RequireCaller(), id, OptionalIfMatch(http), ct), ct);

    private static async Task<Ok<OfferingDto>> Resume(Guid id, ClaimsPrincipal user, OfferingCommands commands, DistrictQueries districts, HttpContext http, CancellationToken ct) =>
        await DoneAsync(http, districts, commands.ResumeAsync(user.RequireCaller(), id, OptionalIfMatch(http), ct), ct);

    private static async Task<Ok<OfferingDto>> Archive(Guid id, ClaimsPrincipal user, OfferingCommands commands, DistrictQueries districts, HttpContext http, CancellationToken ct) =>
        await DoneAsync(http, districts, commands.ArchiveAsync(user.RequireCaller(), id, OptionalIfMatch(http), ct), ct);

    private static async Task<Ok<OfferingDto>> DoneAsync(HttpContext http, DistrictQueries districts, Task<(Offering Offering, Provider Provider)> change, CancellationToken ct)
    {
        var (offering, provider) = await change;
        return TypedResults.Ok(Versioned(http, offering, provider, await districts.NamesAsync(ct)));
    }

    /// <summary>The offering as sent, with its version as the ETag for the next If-Match.</summary>
    private static OfferingDto Versioned(HttpContext http, Offering offering, Provider provider, IReadOnlyDictionary<string, string> districtNames)
    {
        http.Response.Headers.ETag = $"\"{offering.Version}\"";
        return OfferingDto.From(offering, provider.Name, districtNames, OfferingQueries.IsOwnerOrBureau(http.User.ToCaller(), offering, provider));
    }

    /// <summary>The If-Match version when sent; unparsable is refused rather than ignored.</summary>
    private static long? OptionalIfMatch(HttpContext http)
    {
        var ifMatch = http.Request.Headers.IfMatch.ToString();
        if (ifMatch.Length == 0) return null;
        return ParseIfMatch(ifMatch) ?? throw ValidationFailedException.For("If-Match", "offering.if-match");
    }

    /// <summary>Documents the If-Match header and its answers: 412 for a stale version, 428 when it is required and missing.</summary>
    private static RouteHandlerBuilder WithIfMatch(this RouteHandlerBuilder builder, bool required = false)
    {
        builder.ProducesProblem(StatusCodes.Status412PreconditionFailed);
        if (required) builder.ProducesProblem(StatusCodes.Status428PreconditionRequired);
        return builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new Microsoft.OpenApi.OpenApiParameter
            {
                Name = "If-Match", In = Microsoft.OpenApi.ParameterLocation.Header, Required = required,
                Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String },
                Description = "课程的 ETag（读取时的版本，如 \"3\"）/ the offering's ETag as read, e.g. \"3\".",
            });
            return Task.CompletedTask;
        });
    }

    internal static long? ParseIfMatch(string header)
    {
        var value = header.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal)) value = value[2..];
        return long.TryParse(value.Trim('"'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
    }
}
