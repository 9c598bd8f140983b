using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Api.Hosting;
using Marketplace.Api.Localization;
using Marketplace.Core.Catalog;
using Marketplace.Core.Matching;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using MiniExcelLibs;

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

    private static readonly QueryParameters UnderServedQuery = new(
        QueryParameter.DistrictCode("district", "区县（区县教育局默认本区县；市级教育局必填）/ the district (a district bureau: its own by default; a city bureau must name one)."),
        QueryParameter.Text("semester", SemesterPattern, new("validation.semester"), "学期，如 2026-2027-1（默认本学期）/ the semester, e.g. 2026-2027-1 (default: the current one)."),
        QueryParameter.Flag("recommend", $"true：为每所薄弱学校附上前 {UnderServedQueries.RecommendationsPerSchool} 条推荐 / true: each under-served school with its top {UnderServedQueries.RecommendationsPerSchool} recommendations."),
        QueryParameter.Text("format", new("^(json|csv)$"), new("validation.format"), "json（默认）或 csv（可发送的名单）/ json (default) or csv (the list to send)."));

    private static readonly QueryParameters SendQuery = new(
        QueryParameter.DistrictCode("district", "区县（默认本区县）/ the district (default: the bureau's own)."),
        QueryParameter.Text("semester", SemesterPattern, new("validation.semester"), "学期，如 2026-2027-1（默认本学期）/ the semester, e.g. 2026-2027-1 (default: the current one)."));

    private static readonly QueryParameters NoticeQuery = new(
        QueryParameter.Number("limit", 1, RecommendationNotices.MaxListed, $"最多条数（默认 {RecommendationNotices.MaxListed}）/ at most this many (default {RecommendationNotices.MaxListed})."));

    public static IServiceCollection AddMatching(this IServiceCollection services) =>
        services.AddSingleton<RecommendationQueries>().AddSingleton<UnderServedQueries>().AddSingleton<RecommendationNotices>();

    public static IEndpointRouteBuilder MapMatching(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/schools/{schoolId:guid}/recommendations", Recommendations).WithTags("Schools").RequireAuthorization()
            .WithName("GetSchoolRecommendations").WithQuery(RecommendationQuery).ProducesProblem(404)
            .WithSummary("为学校一校一案的空缺推荐课程（本校、所属教育局）/ Offerings ranked to fill the gaps in the school's plan — category gap, grade fit, free seats in its weekly windows, distance, price after subsidy within the remaining budget, the provider's delivery record — each with its reasons (the school, its bureau).");
        app.MapGet("/api/reports/under-served", UnderServed).WithTags("Reports").RequireAuthorization(AuthSetup.OversightPolicy)
            .WithName("GetUnderServedSchools").WithQuery(UnderServedQuery).ProducesProblem(403)
            .WithSummary("薄弱学校：计划类别未覆盖或参与率低于区县中位数一半，附走出去距离的城乡对比，可一并生成推荐 / Under-served schools of a district: a planned category not booked this semester, or participation below half the district's median; the travel-equity view (urban vs rural); with recommend=true each school's top recommendations; csv: the list to send.");
        app.MapPost("/api/reports/under-served/send", Send).WithTags("Reports").RequireAuthorization(AuthSetup.OversightPolicy)
            .WithName("SendRecommendations").WithQuery(SendQuery).ProducesValidationProblem().ProducesProblem(403)
            .WithSummary("区县教育局把推荐清单发送给薄弱学校（全部，或 schoolIds 所列），学校实时收到 / The district bureau sends each under-served school (all, or those in schoolIds) its top recommendations; each school hears it live and reads it on its plan page.");
        app.MapGet("/api/schools/{schoolId:guid}/recommendation-notices", Notices).WithTags("Schools").RequireAuthorization()
            .WithName("GetRecommendationNotices").WithQuery(NoticeQuery).ProducesProblem(404)
            .WithSummary("学校收到的教育局推荐清单，最新在前（本校、所属教育局）/ The recommendation lists the bureau sent the school, newest first (the school, its bureaus).");
        app.MapPost("/api/recommendation-notices/{noticeId:guid}/read", MarkRead).WithTags("Schools").RequireAuthorization(AuthSetup.SchoolPolicy)
            .WithName("MarkRecommendationNoticeRead").ProducesProblem(404)
            .WithSummary("学校标记推荐清单为已读 / The school marks a recommendation list read.");
        return app;
    }

    private static async Task<IResult> UnderServed(HttpRequest request, ClaimsPrincipal user, UnderServedQueries queries, MessageRenderer messages, CancellationToken ct)
    {
        var query = UnderServedQuery.Read(request);
        var caller = user.RequireCaller();
        var district = query.DistrictCode("district") ?? (caller.Districts.Count == 1 ? caller.Districts[0] : null)
            ?? throw ValidationFailedException.For("district", "validation.required");
        var report = await queries.GetAsync(caller, district, query.Text("semester"), query.Flag("recommend") ?? false, ct);
        var rendered = UnderServedDto.From(report, messages);
        return query.Text("format") == "csv"
            ? TypedResults.File(UnderServedDto.Csv(rendered, messages), "text/csv; charset=utf-8", $"under-served-{report.DistrictCode}-{report.Semester}.csv")
            : TypedResults.Ok(rendered);
    }

    private static async Task<Ok<NoticesSent>> Send(HttpRequest request, SendRecommendationsRequest? body, ClaimsPrincipal user, RecommendationNotices notices, CancellationToken ct)
    {
        var query = SendQuery.Read(request);
        var caller = user.RequireCaller();
        var district = query.DistrictCode("district") ?? (caller.Districts.Count == 1 ? caller.Districts[0] : null)
            ?? throw ValidationFailedException.For("district", "validation.required");
        return TypedResults.Ok(await notices.SendAsync(caller, district, query.Text("semester"), body?.SchoolIds, ct));
    }

    private static async Task<Ok<IReadOnlyList<RecommendationNoticeDto>>> Notices(Guid schoolId, HttpRequest request, ClaimsPrincipal user, RecommendationNotices notices,
        MessageRenderer messages, CancellationToken ct)
    {
        var query = NoticeQuery.Read(request);
        var found = await notices.ForSchoolAsync(user.RequireCaller(), schoolId, (int?)query.Number("limit"), ct);
        return TypedResults.Ok<IReadOnlyList<RecommendationNoticeDto>>(found.Select(n => RecommendationNoticeDto.From(n, messages)).ToArray());
    }

    private static async Task<Ok<RecommendationNoticeDto>> MarkRead(Guid noticeId, ClaimsPrincipal user, RecommendationNotices notices, MessageRenderer messages, CancellationToken ct) =>
        TypedResults.Ok(RecommendationNoticeDto.From(await notices.MarkReadAsync(user.RequireCaller(), noticeId, ct), messages));

    private static async Task<Ok<SchoolRecommendationsDto>> Recommendations(Guid schoolId, HttpRequest request, ClaimsPrincipal user, RecommendationQueries queries,
        MessageRenderer messages, CancellationToken ct)
    {
        var query = RecommendationQuery.Read(request);
        var found = await queries.ForSchoolAsync(user.RequireCaller(), schoolId, query.Text("semester"), (int?)query.Number("limit"), ct);
        return TypedResults.Ok(SchoolRecommendationsDto.From(found, messages));
    }
}

/// <summary>The under-served report as the API answers it: recommendations with their reasons rendered in the caller's language.</summary>
public sealed record UnderServedDto(
    string DistrictCode, string DistrictName, string Semester, DateTimeOffset GeneratedAt, decimal MedianParticipation, int Schools,
    IReadOnlyList<SchoolStandingDto> UnderServed, IReadOnlyList<SchoolStandingDto> All, TravelEquity Travel)
{
    public static UnderServedDto From(UnderServedReport r, MessageRenderer messages)
    {
        SchoolStandingDto Of(SchoolStanding s) => new(s.SchoolId, s.SchoolName, s.DistrictCode, s.Area, s.Lat, s.Lon, s.Enrolment, s.PlanMissing, s.Gaps,
            s.PupilsServed, s.Participation, s.LowParticipation, s.Trips, s.AverageTripKm, s.UnderServed,
            SchoolRecommendationsDto.From(new SchoolRecommendations(s.SchoolId, s.SchoolName, r.Semester, false, s.Gaps, 0, s.Recommendations), messages).Items)
        {
            ByRollCall = s.ByRollCall,
        };
        return new(r.DistrictCode, r.DistrictName, r.Semester, r.GeneratedAt, r.MedianParticipation, r.Schools, r.UnderServed.Select(Of).ToArray(),
            r.All.Select(Of).ToArray(), r.Travel);
    }

    private static readonly string[] Columns = ["school", "area", "gaps", "participation", "median", "trip-km", "recommendations"];

    /// <summary>One row per under-served school (UTF-8 with a BOM, so Excel reads the Chinese): the list a bureau sends to its schools.</summary>
    public static byte[] Csv(UnderServedDto r, MessageRenderer messages)
    {
        string T(string key) => messages.Render(new UserMessage(key));
        var rows = r.UnderServed.Select(s => new Dictionary<string, object?>
        {
            [T("report.under.col.school")] = s.SchoolName,
            [T("report.under.col.area")] = s.Area is { } a ? messages.Render(new UserMessage($"enum.SchoolArea.{a}")) : "",
            [T("report.under.col.gaps")] = string.Join("、", s.Gaps.Select(g => messages.Render(new UserMessage($"enum.Category.{g}")))),
            [T("report.under.col.participation")] = s.Participation.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture),
            [T("report.under.col.median")] = r.MedianParticipation.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture),
            [T("report.under.col.trip-km")] = s.AverageTripKm?.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) ?? "",
            [T("report.under.col.recommendations")] = string.Join(" ｜ ", s.Recommendations.Select(i => $"{i.Title}（{i.ProviderName}）：{i.Reason}")),
        }).ToList();
        using var stream = new MemoryStream();
        stream.Write("\uFEFF"u8);
        if (rows.Count > 0) stream.SaveAs(rows, excelType: ExcelType.CSV);
        else stream.Write(System.Text.Encoding.UTF8.GetBytes(string.Join(",", Columns.Select(k => T($"report.under.col.{k}"))) + "\r\n"));
        return stream.ToArray();
    }
}

public sealed record SchoolStandingDto(
    Guid SchoolId, string SchoolName, string DistrictCode, Core.Schools.SchoolArea? Area, double Lat, double Lon, int Enrolment, bool PlanMissing,
    IReadOnlyList<Category> Gaps, long PupilsServed, decimal Participation, bool LowParticipation, int Trips, double? AverageTripKm, bool UnderServed,
    IReadOnlyList<RecommendationDto> Recommendations)
{
    /// <summary>Whether <see cref="PupilsServed"/> counts the school's distinct present pupils by roll call (issue 18) rather than the estimate.</summary>
    public bool ByRollCall { get; init; }
}

/// <summary>Which under-served schools to send to; none named: every one with a recommendation.</summary>
public sealed record SendRecommendationsRequest(IReadOnlyList<Guid>? SchoolIds);

/// <summary>A sent recommendation with its reasons in the caller's language, written from the facts of the day it was sent.</summary>
public sealed record SentRecommendationDto(
    Guid OfferingId, string Title, string ProviderName, Category Category, Category Gap, DeliveryMode Mode, bool ComesToYou, double? DistanceKm,
    Guid SessionId, DateTimeOffset SessionStartsAt, DateTimeOffset SessionEndsAt, int FreeSeats, int Pupils, long FamilySharePerPupilFen, long TotalFen,
    bool WithinBudget, int DeliveredBookings, IReadOnlyList<string> Reasons, string Reason);

public sealed record RecommendationNoticeDto(
    Guid Id, Guid SchoolId, string DistrictCode, string Semester, DateTimeOffset SentAt, string SentBy, string BureauName, IReadOnlyList<Category> Gaps,
    bool LowParticipation, long RemainingFen, DateTimeOffset? ReadAt, IReadOnlyList<SentRecommendationDto> Items)
{
    public static RecommendationNoticeDto From(RecommendationNotice n, MessageRenderer messages) => new(
        n.Id, n.SchoolId, n.DistrictCode, n.Semester, n.SentAt, n.SentBy, n.BureauName, n.Gaps, n.LowParticipation, n.RemainingFen, n.ReadAt,
        n.Items.Select(i =>
        {
            var reasons = RecommendationReasons.Of(i, n.RemainingFen).Select(messages.Render).ToArray();
            return new SentRecommendationDto(i.OfferingId, i.Title, i.ProviderName, i.Category, i.Gap, i.Mode, i.ComesToYou, i.DistanceKm, i.SessionId,
                i.SessionStartsAt, i.SessionEndsAt, i.FreeSeats, i.Pupils, i.FamilySharePerPupilFen, i.TotalFen, i.WithinBudget, i.DeliveredBookings,
                reasons, string.Join(" · ", reasons));
        }).ToArray());
}
