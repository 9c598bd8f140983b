using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Core.Schools;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Schools;

public sealed record SchoolDto(Guid Id, string Name, string DistrictCode, string Address, double Lat, double Lon, IReadOnlyList<int> Grades, IReadOnlyDictionary<int, int> EnrolmentByGrade)
{
    public static SchoolDto From(School s) => new(s.Id, s.Name, s.DistrictCode, s.Address, s.Lat, s.Lon, s.Grades, s.EnrolmentByGrade);
}

public static class SchoolEndpoints
{
    public static void MapSchools(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/schools/{schoolId:guid}").WithTags("Schools").RequireAuthorization();
        group.MapGet("/", async (Guid schoolId, ClaimsPrincipal user, SchoolCommands c, CancellationToken ct) =>
                TypedResults.Ok(SchoolDto.From(await c.GetAsync(user.RequireCaller(), schoolId, ct))))
            .WithName("GetSchool").WithSummary("学校概况 / The school profile (the school itself or its bureau).");
        group.MapGet("/plans/{semester}", async (Guid schoolId, string semester, ClaimsPrincipal user, SchoolCommands c, CancellationToken ct) =>
                TypedResults.Ok(await c.GetPlanAsync(user.RequireCaller(), schoolId, semester, ct)))
            .WithName("GetSchoolPlan").WithSummary("一校一案 / The school's plan for a semester, e.g. 2026-2027-1.");
        group.MapPut("/plans/{semester}", async (Guid schoolId, string semester, SchoolPlanInput input, ClaimsPrincipal user, SchoolCommands c, CancellationToken ct) =>
                TypedResults.Ok(await c.PutPlanAsync(user.RequireCaller(), schoolId, semester, input, ct)))
            .WithName("PutSchoolPlan").RequireAuthorization(AuthSetup.SchoolPolicy).WithSummary("保存一校一案 / Save the school's plan for a semester.");
    }
}
