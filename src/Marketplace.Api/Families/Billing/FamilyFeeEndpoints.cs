using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Api.Hosting;
using Marketplace.Core.Families.Billing;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Families.Billing;

/// <summary>The bureau's family-fee totals (家庭缴费, issue 18): per school of a district and the district's total, for a semester.</summary>
public static class FamilyFeeEndpoints
{
    private static readonly QueryParameters FeeQuery = new(
        QueryParameter.Text("semester", BillEndpoints.SemesterPattern(), new UserMessage("validation.semester"),
            "学期，如 2026-2027-1（默认本学期）/ the semester, e.g. 2026-2027-1 (default: the current one)."));

    internal static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/districts/{code}/family-fees", DistrictFees).WithTags("Families").RequireAuthorization(AuthSetup.OversightPolicy)
            .WithName("GetFamilyFees").WithQuery(FeeQuery)
            .WithSummary("区县家庭缴费合计：各校应缴、减免、已调减（缺勤/退课退费）、已缴、已退、待缴与待退，及全区合计 / A district's family fees of a semester: per school billed, waived, credited (absence and withdrawal credits), paid, refunded, outstanding and refund due, and the district's total (the district's or its city's bureau only).")
            .Produces<FamilyFeeReport>().ProducesValidationProblem().ProducesProblem(403);

    private static async Task<Ok<FamilyFeeReport>> DistrictFees(string code, HttpContext http, ClaimsPrincipal user, FamilyFeeQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.DistrictAsync(user.RequireCaller(), code, FeeQuery.Read(http.Request).Text("semester"), ct));
}
