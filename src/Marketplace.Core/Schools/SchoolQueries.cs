using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Schools;

/// <summary>
/// The school profile: visible to the school itself, its district's bureau, and a provider the school has booked (so it knows
/// whom it confirms). Its 一校一案 plans: the school and its bureau only.
/// </summary>
public sealed class SchoolQueries(IMarketplaceStore store)
{
    public async Task<School> GetAsync(Caller caller, Guid schoolId, CancellationToken ct = default)
    {
        var school = await store.FindAsync<School>(schoolId, ct);
        if (school is not null && (Owns(caller, school) || caller.Role == Role.Provider
            && (await store.ListBookingsAsync(new BookingFilter(SchoolId: schoolId, ProviderId: caller.OrganizationId, Limit: 1), ct)).Count > 0))
            return school;
        throw new NotFoundException("school", schoolId);
    }

    public async Task<SchoolPlan> GetPlanAsync(Caller caller, Guid schoolId, string semester, CancellationToken ct = default)
    {
        var school = await store.FindAsync<School>(schoolId, ct);
        if (school is null || !Owns(caller, school)) throw new NotFoundException("school", schoolId);
        return await store.FindSchoolPlanAsync(schoolId, semester, ct) ?? throw new NotFoundException("school plan", semester);
    }

    /// <summary>The school itself or its district's bureau.</summary>
    private static bool Owns(Caller caller, School school) => caller.OrganizationId == school.Id || caller.IsBureauOf(school.DistrictCode);
}
