using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Core.Bookings;
using Marketplace.Core.Schools;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Schools;

public sealed record SchoolDto(Guid Id, string Name, string DistrictCode, string Address, double Lat, double Lon, IReadOnlyList<int> Grades, IReadOnlyDictionary<int, int> EnrolmentByGrade)
{
    public static SchoolDto From(School s) => new(s.Id, s.Name, s.DistrictCode, s.Address, s.Lat, s.Lon, s.Grades, s.EnrolmentByGrade);
}

public static class SchoolEndpoints
{
    internal static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/schools/{schoolId:guid}").WithTags("Schools").RequireAuthorization();
        group.MapGet("/", Get).WithName("GetSchool").WithSummary("学校概况（本校、所属教育局、已被其预约的机构）/ The school profile: the school itself, its bureau, or a provider it has booked.");
        group.MapGet("/plans/{semester}", GetPlan).WithName("GetSchoolPlan").WithSummary("一校一案 / The school's plan for a semester, e.g. 2026-2027-1.");
        group.MapPut("/plans/{semester}", SavePlan).WithName("PutSchoolPlan").RequireAuthorization(AuthSetup.SchoolPolicy)
            .WithSummary("保存一校一案 / Save the school's plan for a semester.");
    }

    /// <summary>The booking module decides: besides the school and its bureau, a provider the school has booked may read it.</summary>
    private static async Task<Ok<SchoolDto>> Get(Guid schoolId, ClaimsPrincipal user, BookingQueries queries, CancellationToken ct) =>
        TypedResults.Ok(SchoolDto.From(await queries.SchoolAsync(user.RequireCaller(), schoolId, ct)));

    private static async Task<Ok<SchoolPlan>> GetPlan(Guid schoolId, string semester, ClaimsPrincipal user, SchoolQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.GetPlanAsync(user.RequireCaller(), schoolId, semester, ct));

    private static async Task<Ok<SchoolPlan>> SavePlan(Guid schoolId, string semester, SchoolPlanInput input, ClaimsPrincipal user, SchoolCommands commands, CancellationToken ct) =>
        TypedResults.Ok(await commands.SavePlanAsync(user.RequireCaller(), schoolId, semester, input, ct));
}
