using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Persistence;

namespace Marketplace.Core.Schools;

/// <summary>Tells Catalog which district a school caller is in (one read of the school).</summary>
public sealed class SchoolDistricts(IMarketplaceStore store) : ISchoolDistricts
{
    public async Task<string?> DistrictOfAsync(Guid schoolId, CancellationToken ct = default) =>
        (await store.FindAsync<School>(schoolId, ct))?.DistrictCode;
}
