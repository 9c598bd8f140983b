using Marketplace.Api.Auth;
using Marketplace.Api.Catalog;
using Marketplace.Core.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Admin;

/// <summary>The administrator's districts (GB/T 2260 county-level codes); each change is audited and re-projects the search index.</summary>
public static class DistrictAdminEndpoints
{
    internal static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/districts").WithTags("Administration").RequireAuthorization(AuthSetup.AdministratorPolicy);
        group.MapPost("/", Create).WithName("CreateDistrict")
            .WithSummary("新增区县（GB/T 2260 县级代码；travelLimitKm 为空即同城，填写则须有中心坐标）/ Add a district by its GB/T 2260 county-level code; travelLimitKm empty means the same city, a number needs the centre (lat, lon).");
        group.MapPut("/{code}", Update).WithName("UpdateDistrict")
            .WithSummary("修改区县（名称、出行范围、中心坐标）/ Change a district's names, travel limit and centre.");
    }

    private static async Task<Created<DistrictDto>> Create(DistrictInput input, HttpContext http, DistrictCommands commands, CancellationToken ct)
    {
        var district = await commands.CreateAsync(http.RequireCaller(), input, ct);
        return TypedResults.Created("/api/districts", DistrictDto.From(district));
    }

    private static async Task<Ok<DistrictDto>> Update(string code, DistrictInput input, HttpContext http, DistrictCommands commands, CancellationToken ct) =>
        TypedResults.Ok(DistrictDto.From(await commands.UpdateAsync(http.RequireCaller(), code, input, ct)));
}
