namespace Marketplace.Core.Catalog.Offerings;

/// <summary>
/// The district a school is in, for what its users may see (<see cref="DistrictReach"/>). Catalog may not read schools, so
/// the Schools module answers (<c>Schools.SchoolDistricts</c>).
/// </summary>
public interface ISchoolDistricts
{
    /// <summary>The school's district code, or null when there is no such school.</summary>
    Task<string?> DistrictOfAsync(Guid schoolId, CancellationToken ct = default);
}
