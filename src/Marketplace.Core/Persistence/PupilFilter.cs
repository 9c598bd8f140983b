namespace Marketplace.Core.Persistence;

/// <summary>
/// Pupils, oldest id first: of one school (optionally one grade and class), or of one guardian, or listed by no roster import since
/// <see cref="RosteredBefore"/> (retention). <see cref="After"/>: only ids after it — the next page.
/// </summary>
public sealed record PupilFilter(
    Guid? SchoolId = null, Guid? GuardianId = null, int? Grade = null, string? ClassName = null, DateTimeOffset? RosteredBefore = null,
    int Limit = 500, Guid? After = null);

/// <summary>A school's pupils on the platform, and how many have a guardian's consent in force.</summary>
public sealed record PupilCount(Guid SchoolId, string DistrictCode, int Pupils, int Consented);

/// <summary>A school's distinct pupils marked present by any roll call of a span (the participation figure where rolls exist).</summary>
public sealed record PresentPupilCount(Guid SchoolId, string DistrictCode, long Pupils);
/// <summary>Selection applications, oldest id first: of one window (optionally one grade and class), or of one pupil (every window).</summary>
public sealed record SelectionApplicationFilter(
    Guid? WindowId = null, Guid? PupilId = null, int? Grade = null, string? ClassName = null, int Limit = 500, Guid? After = null);

/// <summary>
/// Family bills (家庭账单), oldest id first: of one school (optionally one window's, one class's, only those with a balance owed), or
/// of one pupil. <see cref="After"/>: only ids after it — the next page.
/// </summary>
public sealed record FamilyBillFilter(
    Guid? SchoolId = null, Guid? PupilId = null, Guid? WindowId = null, string? ClassName = null, bool UnpaidOnly = false, int Limit = 500, Guid? After = null)
{
    /// <summary>Only bills of the schools of these districts (the bureau's totals).</summary>
    public IReadOnlyCollection<string>? Districts { get; init; }

    /// <summary>Only bills of this semester (<c>2026-2027-1</c>).</summary>
    public string? Semester { get; init; }

    /// <summary>Only pupils of this grade.</summary>
    public int? Grade { get; init; }

    /// <summary>Only bills in this state of their balance: owed (&gt; 0), paid up (0), refund due (&lt; 0).</summary>
    public Families.Billing.BillState? State { get; init; }
}

/// <summary>
/// Family bills summed by the store, per school (<see cref="IMarketplaceStore.SumFamilyBillsAsync"/>): how many, billed, waived (家庭经济困难),
/// credited (缺勤/退课退费), paid, refunded, and the balances split into what families still owe and what the school owes back.
/// </summary>
public sealed record FamilyBillTotal(
    Guid SchoolId, string DistrictCode, long Bills, long BilledFen, long WaivedFen, long CreditedFen, long PaidFen, long RefundedFen, long OutstandingFen,
    long RefundDueFen, long OwedBills, long RefundDueBills)
{
    /// <summary>The sum of several rows (a district's total), under <paramref name="schoolId"/>.</summary>
    public static FamilyBillTotal Sum(IEnumerable<FamilyBillTotal> rows, Guid schoolId, string districtCode) =>
        rows.Aggregate(new FamilyBillTotal(schoolId, districtCode, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), (a, r) => new(schoolId, districtCode, a.Bills + r.Bills,
            a.BilledFen + r.BilledFen, a.WaivedFen + r.WaivedFen, a.CreditedFen + r.CreditedFen, a.PaidFen + r.PaidFen, a.RefundedFen + r.RefundedFen,
            a.OutstandingFen + r.OutstandingFen, a.RefundDueFen + r.RefundDueFen, a.OwedBills + r.OwedBills, a.RefundDueBills + r.RefundDueBills));
}

/// <summary>
/// Which of <see cref="PupilIds"/> already have an after-school activity in a semester (<see cref="Families.Selection.SelectionActivity"/>): a live
/// application holding a placement in a selection window of <see cref="SchoolId"/> and <see cref="Semester"/> other than
/// <see cref="ExceptWindowId"/>, or a present mark on a roll call of a session starting in [<see cref="From"/>, <see cref="Before"/>).
/// </summary>
public sealed record PupilActivityFilter(
    Guid SchoolId, string Semester, Guid ExceptWindowId, IReadOnlyCollection<Guid> PupilIds, DateTimeOffset From, DateTimeOffset Before);
