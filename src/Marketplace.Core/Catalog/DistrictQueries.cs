using Marketplace.Core.Persistence;

namespace Marketplace.Core.Catalog;

public sealed class DistrictQueries(IMarketplaceStore store)
{
    /// <summary>The districts the platform serves, by GB/T 2260 code.</summary>
    public Task<IReadOnlyList<District>> ListAsync(CancellationToken ct = default) => store.ListDistrictsAsync(ct);

    /// <summary>Name by code, for answers that show districts by name: one read for a whole list.</summary>
    public async Task<IReadOnlyDictionary<string, string>> NamesAsync(CancellationToken ct = default) =>
        (await store.ListDistrictsAsync(ct)).ToDictionary(d => d.Code, d => d.Name);
}
