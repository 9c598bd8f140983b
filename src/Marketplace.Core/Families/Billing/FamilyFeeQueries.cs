using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families.Billing;

/// <summary>One school's family fees of a semester (its name and the store's sums).</summary>
public sealed record FamilyFeeSchool(Guid SchoolId, string SchoolName, FamilyBillTotal Totals);

/// <summary>A district's family fees (家庭缴费) of a semester: per school with bills, and the district's total.</summary>
public sealed record FamilyFeeReport(string DistrictCode, string Semester, IReadOnlyList<FamilyFeeSchool> Schools, FamilyBillTotal Total);

/// <summary>
/// The bureau's family-fee totals (issue 18): billed, waived, credited, paid, refunded, outstanding and refund-due per school of one
/// district and semester, and the district's total. The store sums the bills (<see cref="IMarketplaceStore.SumFamilyBillsAsync"/>, one
/// query per district, rows per school); then the schools with bills are read by id for their names. A district bureau reads its own
/// district, a city bureau each of its districts; another district is 403; every other role 403.
/// </summary>
public sealed class FamilyFeeQueries(IMarketplaceStore store, TimeProvider clock)
{
    public async Task<FamilyFeeReport> DistrictAsync(Caller caller, string district, string? semesterName, CancellationToken ct = default)
    {
        if (caller.Role is not (Role.Bureau or Role.CityBureau)) throw new ForbiddenException("forbidden.family-fees");
        if (!caller.Oversees(district)) throw new ForbiddenException("forbidden.family-fees-district", district);
        var semester = Semester.Of(clock.GetUtcNow());
        if (semesterName is not null && !Semester.TryParse(semesterName, out semester)) throw ValidationFailedException.For("semester", "validation.semester");
        var rows = await store.SumFamilyBillsAsync(new FamilyBillFilter(Limit: 1) { Districts = [district], Semester = semester.Name }, ct);
        var names = (await store.FindManyAsync<School>(rows.Select(r => r.SchoolId).Distinct().ToArray(), ct)).ToDictionary(s => s.Id, s => s.Name);
        var schools = rows.Select(r => new FamilyFeeSchool(r.SchoolId, names.GetValueOrDefault(r.SchoolId) ?? "", r))
            .OrderBy(s => s.SchoolName, StringComparer.Ordinal).ThenBy(s => s.SchoolId).ToList();
        return new FamilyFeeReport(district, semester.Name, schools, FamilyBillTotal.Sum(rows, Guid.Empty, district));
    }
}
