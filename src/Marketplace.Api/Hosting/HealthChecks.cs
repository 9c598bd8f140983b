using Marketplace.Core.Search;
using Marketplace.Core.Persistence;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Marketplace.Api.Hosting;

/// <summary>Ready = the configured store answers.</summary>
internal sealed class StoreHealthCheck(IMarketplaceStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        await store.IsHealthyAsync(ct) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The store does not answer.");
}

/// <summary>Ready = the configured search index answers.</summary>
internal sealed class IndexHealthCheck(IOfferingIndex index) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        await index.IsHealthyAsync(ct) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The search index does not answer.");
}
