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

/// <summary>Ready = the configured search index answers and reflects the store's history (else it is being rebuilt:
/// <see cref="Outbox.IndexHistoryGuard"/>).</summary>
internal sealed class IndexHealthCheck(IOfferingIndex index, Outbox.IndexHistoryGuard history) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (!await index.IsHealthyAsync(ct)) return HealthCheckResult.Unhealthy("The search index does not answer.");
        return await history.CheckAsync(ct) is { } mismatch
            ? HealthCheckResult.Unhealthy($"The search index reflects another store history ({mismatch}); it is being rebuilt.")
            : HealthCheckResult.Healthy();
    }
}
