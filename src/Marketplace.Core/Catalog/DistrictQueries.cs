using Marketplace.Core.Persistence;

namespace Marketplace.Core.Catalog;

public sealed class DistrictQueries(IMarketplaceStore store)
{
    /// <summary>The districts the platform serves, by GB/T 2260 code.</summary>
    public Task<IReadOnlyList<District>> ListAsync(CancellationToken ct = default) => store.ListDistrictsAsync(ct);
}
