using Marketplace.Api.Outbox;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Search;

/// <summary>The index compared with the store: a read-only report for a district bureau or the administrator; the repair for the administrator.</summary>
internal static class IndexVerifyEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/admin/search/verify", Verify).WithName("VerifySearchIndex").WithTags("Search")
            .RequireAuthorization(p => p.RequireRole(nameof(Core.Shared.Role.Bureau), nameof(Core.Shared.Role.Administrator)))
            .WithSummary("核对索引与主库：缺失、幽灵、版本、余位（只读；教育局或平台管理员）/ Compare the index with the store: missing, ghost, version and free-seat drift (read-only; a district bureau or the administrator).");
        app.MapPost("/api/admin/search/repair", Repair).WithName("RepairSearchIndex").WithTags("Search")
            .RequireAuthorization(p => p.RequireRole(nameof(Core.Shared.Role.Administrator)))
            .WithSummary("修复索引偏差：重投影有偏差的课程，或索引来自另一主库历史时重建（平台管理员）/ Repair drift: re-project the drifted offerings, or rebuild when the index reflects another store history (the administrator).");
    }

    private static async Task<Ok<IndexVerifyOutcome>> Verify(IndexVerify verify, CancellationToken ct) =>
        TypedResults.Ok(await verify.RunAsync(repair: false, projectionRuns: true, ct));

    private static async Task<Ok<IndexVerifyOutcome>> Repair(IndexVerify verify, CancellationToken ct) =>
        TypedResults.Ok(await verify.RunAsync(repair: true, projectionRuns: true, ct));
}
