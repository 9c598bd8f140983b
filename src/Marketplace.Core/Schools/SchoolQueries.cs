using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Schools;

/// <summary>
/// The school profile and its 一校一案 plans: visible to the school itself, its district's bureau and its city bureau; the roster of a bureau's districts. (A provider the school
/// has booked may read the profile too: that rule needs bookings, so it is <c>BookingQueries.SchoolAsync</c>.)
/// </summary>
/// <remarks>The clock is optional only for <c>BookingQueries</c>, which builds one for <see cref="GetAsync"/>; the host injects it.</remarks>
public sealed class SchoolQueries(IMarketplaceStore store, TimeProvider? clock = null)
{
    /// <summary>
    /// The roster of the caller's districts (a district bureau: its own; a city bureau: its city's), oldest id first, <paramref name="limit"/>
    /// at most: of one of them (<paramref name="district"/>), of one stored stage, and with <paramref name="noBookingThisSemester"/> only
    /// schools without a booking this semester (<see cref="SemesterStart"/>). A district the caller does not oversee is a 403.
    /// </summary>
    public Task<IReadOnlyList<School>> ListAsync(Caller caller, string? district, SchoolStage? stage, bool noBookingThisSemester, int limit, Guid? after,
        CancellationToken ct = default)
    {
        if (!caller.OverseesAny(caller.Districts)) throw new ForbiddenException("forbidden.schools-list");
        if (district is not null && !caller.Oversees(district)) throw new ForbiddenException("forbidden.schools-district", district);
        var since = noBookingThisSemester ? SemesterStart((clock ?? TimeProvider.System).GetUtcNow()) : (DateTimeOffset?)null;
        return store.ListSchoolsAsync(new SchoolFilter(district is null ? caller.Districts : [district], stage, since, limit, after), ct);
    }

    /// <summary>
    /// The start of the semester <paramref name="now"/> is in, Beijing time: 1 February for February–August, 1 September for
    /// September–January (a January day belongs to the semester that began the September before).
    /// </summary>
    public static DateTimeOffset SemesterStart(DateTimeOffset now) => Semester.Of(now).Start;

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

    /// <summary>The school itself, its district's bureau or its city's bureau (reading only: changes are the school's own).</summary>
    private static bool Owns(Caller caller, School school) => caller.OrganizationId == school.Id || caller.Oversees(school.DistrictCode);
}
