using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Api.Hosting;
using Marketplace.Api.Localization;
using Marketplace.Core.Catalog;
using Marketplace.Core.Matching;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Matching;

/// <summary>A recommendation as the API answers it: the use case's record with its reasons in the caller's language, and joined with " · ".</summary>
public sealed record RecommendationDto(
    Guid OfferingId, string Title, Guid ProviderId, string ProviderName, Category Category, Category Gap, DeliveryMode Mode, bool ComesToYou,
    double? DistanceKm, Guid SessionId, DateTimeOffset SessionStartsAt, DateTimeOffset SessionEndsAt, int FreeSeats, int Pupils, long PriceFen,
    long SubsidyPerPupilFen, long FamilySharePerPupilFen, long TotalFen, bool WithinBudget, decimal GradeFit, int DeliveredBookings, double Score,
    IReadOnlyList<string> Reasons, string Reason);

public sealed record SchoolRecommendationsDto(
    Guid SchoolId, string SchoolName, string Semester, bool PlanMissing, IReadOnlyList<Category> Gaps, long RemainingFen, IReadOnlyList<RecommendationDto> Items)
{
    public static SchoolRecommendationsDto From(SchoolRecommendations r, MessageRenderer messages) => new(
        r.SchoolId, r.SchoolName, r.Semester, r.PlanMissing, r.Gaps, r.RemainingFen, r.Items.Select(i =>
        {
            var reasons = i.Reasons.Select(messages.Render).ToArray();
            return new RecommendationDto(i.OfferingId, i.Title, i.ProviderId, i.ProviderName, i.Category, i.Gap, i.Mode, i.ComesToYou, i.DistanceKm, i.SessionId,
                i.SessionStartsAt, i.SessionEndsAt, i.FreeSeats, i.Pupils, i.PriceFen, i.SubsidyPerPupilFen, i.FamilySharePerPupilFen, i.TotalFen, i.WithinBudget,
                i.GradeFit, i.DeliveredBookings, i.Score, reasons, string.Join(" · ", reasons));
        }).ToArray());
}

/// <summary>Matching (issue 16): offerings recommended to fill the gaps in a school's 一校一案.</summary>
public static class MatchingModule
{
    private static readonly System.Text.RegularExpressions.Regex SemesterPattern = new(@"^\d{4}-\d{4}-[12]$");

    private static readonly QueryParameters RecommendationQuery = new(
        QueryParameter.Text("semester", SemesterPattern, new("validation.semester"), "学期，如 2026-2027-1（默认本学期）/ the semester, e.g. 2026-2027-1 (default: the current one)."),
        QueryParameter.Number("limit", 1, RecommendationQueries.MaxLimit, $"最多条数（默认 {RecommendationQueries.DefaultLimit}）/ at most this many (default {RecommendationQueries.DefaultLimit})."));

    public static IServiceCollection AddMatching(this IServiceCollection services) => services.AddSingleton<RecommendationQueries>();

    public static IEndpointRouteBuilder MapMatching(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/schools/{schoolId:guid}/recommendations", Recommendations).WithTags("Schools").RequireAuthorization()
            .WithName("GetSchoolRecommendations").WithQuery(RecommendationQuery).ProducesProblem(404)
            .WithSummary("为学校一校一案的空缺推荐课程（本校、所属教育局）/ Offerings ranked to fill the gaps in the school's plan — category gap, grade fit, free seats in its weekly windows, distance, price after subsidy within the remaining budget, the provider's delivery record — each with its reasons (the school, its bureau).");
        return app;
    }

    private static async Task<Ok<SchoolRecommendationsDto>> Recommendations(Guid schoolId, HttpRequest request, ClaimsPrincipal user, RecommendationQueries queries,
        MessageRenderer messages, CancellationToken ct)
    {
        var query = RecommendationQuery.Read(request);
        var found = await queries.ForSchoolAsync(user.RequireCaller(), schoolId, query.Text("semester"), (int?)query.Number("limit"), ct);
        return TypedResults.Ok(SchoolRecommendationsDto.From(found, messages));
    }
}
