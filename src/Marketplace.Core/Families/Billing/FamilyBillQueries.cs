using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families.Billing;

/// <summary>A bill with the pupil's name (the school's list and the guardian's page show it).</summary>
public sealed record BillView(FamilyBill Bill, string PupilName);

/// <summary>
/// The school's bills screen and list: a semester (null: every semester), a grade, a class, a balance state, a window; a page of
/// <see cref="Limit"/> after the bill <see cref="After"/>.
/// </summary>
public sealed record SchoolBillQuery(
    string? Semester = null, int? Grade = null, string? ClassName = null, BillState? State = null, Guid? WindowId = null, int Limit = 50, Guid? After = null);

/// <summary>
/// Family bills as their readers may see them: a guardian its own child's (another's child is 404), the school its own pupils'
/// (filtered by window, class, unpaid; another school's bill is 404). Other roles: 403.
/// </summary>
public sealed class FamilyBillQueries(IMarketplaceStore store)
{
    public const int MaxPage = 500;

    public async Task<IReadOnlyList<BillView>> ChildBillsAsync(Caller caller, Guid pupilId, CancellationToken ct = default)
    {
        var pupil = await PupilAccess.OwnChildAsync(store, caller, pupilId, ct);
        var bills = await store.ListFamilyBillsAsync(new FamilyBillFilter(PupilId: pupil.Id, Limit: 100), ct);
        return [.. bills.OrderByDescending(b => b.Semester, StringComparer.Ordinal).ThenByDescending(b => b.CreatedAt).Select(b => new BillView(b, pupil.Name))];
    }

    public async Task<IReadOnlyList<BillView>> SchoolBillsAsync(Caller caller, Guid? windowId, string? className, bool unpaid, int? limit, Guid? after,
        CancellationToken ct = default)
    {
        EnsureSchool(caller);
        new Validator().Require(limit is null or (>= 1 and <= MaxPage), "limit", new("validation.range", 1, MaxPage))
            .Text(className, "className", Pupil.MaxClassLength, required: false)
            .ThrowIfInvalid();
        var bills = await store.ListFamilyBillsAsync(
            new FamilyBillFilter(caller.OrganizationId, null, windowId, className?.Trim(), unpaid, limit ?? 100, after), ct);
        var pupils = (await store.FindManyAsync<Pupil>(bills.Select(b => b.PupilId).Distinct().ToArray(), ct)).ToDictionary(p => p.Id);
        return [.. bills.Select(b => new BillView(b, pupils.GetValueOrDefault(b.PupilId)?.Name ?? ""))];
    }

    /// <summary>
    /// One page of the school's bills of a semester, by grade, class and balance state; ids in order, the next
    /// page after <see cref="SchoolBillQuery.After"/>.
    /// </summary>
    public async Task<IReadOnlyList<BillView>> SchoolBillsAsync(Caller caller, SchoolBillQuery query, CancellationToken ct = default)
    {
        var filter = SchoolFilter(caller, query);
        var bills = await store.ListFamilyBillsAsync(filter, ct);
        var pupils = (await store.FindManyAsync<Pupil>(bills.Select(b => b.PupilId).Distinct().ToArray(), ct)).ToDictionary(p => p.Id);
        return [.. bills.Select(b => new BillView(b, pupils.GetValueOrDefault(b.PupilId)?.Name ?? ""))];
    }

    /// <summary>The same bills (every page) summed by the store: the school's totals row.</summary>
    public async Task<FamilyBillTotal> SchoolTotalsAsync(Caller caller, SchoolBillQuery query, CancellationToken ct = default)
    {
        var filter = SchoolFilter(caller, query);
        var rows = await store.SumFamilyBillsAsync(filter, ct);
        return FamilyBillTotal.Sum(rows, caller.OrganizationId, rows.FirstOrDefault()?.DistrictCode ?? "");
    }

    private FamilyBillFilter SchoolFilter(Caller caller, SchoolBillQuery q)
    {
        EnsureSchool(caller);
        var semester = default(Schools.Semester);
        new Validator().Require(q.Limit is >= 1 and <= MaxPage + 1, "limit", new("validation.range", 1, MaxPage))
            .Require(q.Semester is null || Schools.Semester.TryParse(q.Semester, out semester), "semester", new("validation.semester"))
            .Require(q.Grade is null or (>= 1 and <= 9), "grade", new("validation.range", 1, 9))
            .Text(q.ClassName, "className", Pupil.MaxClassLength, required: false)
            .ThrowIfInvalid();
        return new FamilyBillFilter(caller.OrganizationId, null, q.WindowId, string.IsNullOrWhiteSpace(q.ClassName) ? null : q.ClassName.Trim(), false, q.Limit, q.After)
        {
            Semester = q.Semester is null ? null : semester.Name, Grade = q.Grade, State = q.State,
        };
    }

    public async Task<BillView> SchoolBillAsync(Caller caller, Guid billId, CancellationToken ct = default)
    {
        EnsureSchool(caller);
        var bill = await store.FindAsync<FamilyBill>(billId, ct);
        if (bill is null || bill.SchoolId != caller.OrganizationId) throw new NotFoundException("bill", billId);
        return new BillView(bill, (await store.FindAsync<Pupil>(bill.PupilId, ct))?.Name ?? "");
    }

    private static void EnsureSchool(Caller caller)
    {
        if (caller.Role != Role.School) throw new ForbiddenException("forbidden.bills-school");
    }
}
