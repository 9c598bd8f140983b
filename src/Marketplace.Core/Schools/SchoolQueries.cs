using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Schools;

/// <summary>
/// The school profile and its 一校一案 plans: visible to the school itself and its district's bureau. (A provider the school
/// has booked may read the profile too: that rule needs bookings, so it is <c>BookingQueries.SchoolAsync</c>.)
/// </summary>
public sealed class SchoolQueries(IMarketplaceStore store)
{
    public async Task<School> GetAsync(Caller caller, Guid schoolId, CancellationToken ct = default)
    {
        var school = await store.FindAsync<School>(schoolId, ct);
        return school is not null && Owns(caller, school) ? school : throw new NotFoundException("school", schoolId);
    }

    public async Task<SchoolPlan> GetPlanAsync(Caller caller, Guid schoolId, string semester, CancellationToken ct = default)
    {
        var school = await store.FindAsync<School>(schoolId, ct);
        if (school is null || !Owns(caller, school)) throw new NotFoundException("school", schoolId);
        return await store.FindSchoolPlanAsync(schoolId, semester, ct) ?? throw new NotFoundException("school-plan", semester);
    }

    /// <summary>The school itself or its district's bureau.</summary>
    private static bool Owns(Caller caller, School school) => caller.OrganizationId == school.Id || caller.IsBureauOf(school.DistrictCode);
}
