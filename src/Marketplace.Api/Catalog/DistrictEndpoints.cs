using Marketplace.Api.Hosting;
using Marketplace.Core.Catalog;

namespace Marketplace.Api.Catalog;

public static class DistrictEndpoints
{
    private static readonly QueryParameters NoQuery = new();

    internal static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/districts", async (HttpRequest request, DistrictQueries queries, CancellationToken ct) =>
            {
                NoQuery.Read(request); // the whole list, always short: no parameter to get wrong
                return TypedResults.Ok((await queries.ListAsync(ct)).Select(DistrictDto.From));
            })
            .WithName("ListDistricts").WithTags("Districts").AllowAnonymous()
            .WithSummary("服务区县 / The districts the platform serves (GB/T 2260 codes).");
}
