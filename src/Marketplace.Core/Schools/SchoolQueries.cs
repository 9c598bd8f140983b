using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Schools;

/// <summary>The school profile and its 一校一案 plans: visible to the school itself and its district's bureau.</summary>
public sealed class SchoolQueries(IMarketplaceStore store)
{
    public async Task<School> GetAsync(Caller caller, Guid schoolId, CancellationToken ct = default)
    {
        var school = await store.FindAsync<School>(schoolId, ct);
        return school is not null && (caller.OrganizationId == schoolId || caller.IsBureauOf(school.DistrictCode))
            ? school : throw new NotFoundException("school", schoolId);
    }

    public async Task<SchoolPlan> GetPlanAsync(Caller caller, Guid schoolId, string semester, CancellationToken ct = default)
    {
        await GetAsync(caller, schoolId, ct);
        return await store.FindSchoolPlanAsync(schoolId, semester, ct) ?? throw new NotFoundException("school plan", semester);
    }
}
