using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Identity;

/// <summary>
/// The audit trail: a district bureau reads its district's entries, a city bureau its city's districts', the administrator
/// every entry (those without a district only it). Newest first.
/// </summary>
public sealed class AuditQueries(IMarketplaceStore store)
{
    public Task<IReadOnlyList<AuditEntry>> ListAsync(Caller caller, string? district, Guid? organizationId, int limit, Guid? before, CancellationToken ct = default)
    {
        IReadOnlyCollection<string>? districts = district is null ? null : [district];
        if (caller.Role != Role.Administrator)
        {
            if (caller.Role is not (Role.Bureau or Role.CityBureau)) throw new ForbiddenException("forbidden.audit");
            if (district is not null && !caller.Oversees(district)) throw new ForbiddenException("forbidden.audit-district");
            districts ??= caller.Districts;
        }
        return store.ListAuditAsync(new AuditFilter(districts, organizationId, limit, before), ct);
    }
}
