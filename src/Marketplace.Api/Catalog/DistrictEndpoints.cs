using Marketplace.Core.Shared;

namespace Marketplace.Api.Catalog;

public static class DistrictEndpoints
{
    public static void MapDistricts(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/districts", async (IMarketplaceStore store, CancellationToken ct) =>
                TypedResults.Ok((await store.ListDistrictsAsync(ct)).Select(d => new DistrictDto(d.Code, d.Name, d.City, d.Province))))
            .WithName("ListDistricts").WithTags("Districts").AllowAnonymous()
            .WithSummary("服务区县 / The districts the platform serves (GB/T 2260 codes).");
}
