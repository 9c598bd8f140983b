using Marketplace.Core.Families.Billing;
using Marketplace.Core.Persistence;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>Family bills by semester, grade and balance state, and summed per school by the store (the bureau's totals, the school's totals row).</summary>
public abstract partial class StoreContract
{
    [SkippableFact]
    public async Task FamilyBills_AreFilteredBySemesterGradeAndState_AndSummedPerSchool()
    {
        await using var db = await CreateAsync();
        var (school, other, window) = (Ids.New(), Ids.New(), Ids.New());
        // school: owes 700; paid up (700 paid); refund due (700 paid, 700 credited); another semester's 700. other: owes 1,300.
        async Task<FamilyBill> BillAsync(Guid of, int n, long fee, long paid = 0, long credited = 0, string semester = "2026-2027-1")
        {
            var (_, pupil) = SampleChild(of, 900 + n);
            var bill = FamilyBill.Open(pupil, semester, Now);
            var line = SampleLine(window, fee);
            var changes = new StoreChanges().Insert(bill).Insert(bill.Bill(line, Now)!);
            if (paid > 0) changes.Insert(bill.Pay(Ids.New(), paid, "offline", $"TY-{n}", Now, "School:school1"));
            if (credited > 0) changes.Insert(bill.Credit(window, line.ProgrammeId, credited, RefundCause.Absence, null, [], [], Now)!);
            await db.Store.CommitAsync(changes);
            return bill;
        }
        var owed = await BillAsync(school, 1, 600);
        var paidUp = await BillAsync(school, 2, 600, paid: 700);
        var refund = await BillAsync(school, 3, 600, paid: 700, credited: 700);
        await BillAsync(school, 4, 600, semester: "2026-2027-2");
        await BillAsync(other, 5, 1_200);

        FamilyBillFilter Of(BillState? state = null, int? grade = null) => new(SchoolId: school) { Semester = "2026-2027-1", State = state, Grade = grade };
        Assert.Equal([owed.Id], (await db.Store.ListFamilyBillsAsync(Of(BillState.Owed))).Select(b => b.Id));
        Assert.Equal([paidUp.Id], (await db.Store.ListFamilyBillsAsync(Of(BillState.PaidUp))).Select(b => b.Id));
        Assert.Equal([refund.Id], (await db.Store.ListFamilyBillsAsync(Of(BillState.RefundDue))).Select(b => b.Id));
        Assert.Equal(3, (await db.Store.ListFamilyBillsAsync(Of(grade: 3))).Count);
        Assert.Empty(await db.Store.ListFamilyBillsAsync(Of(grade: 4)));

        var sums = await db.Store.SumFamilyBillsAsync(new FamilyBillFilter(Limit: 1) { Districts = ["110101"], Semester = "2026-2027-1" });
        var mine = sums.Single(s => s.SchoolId == school);
        Assert.Equal(new FamilyBillTotal(school, "110101", 3, 2_100, 0, 700, 1_400, 0, 700, 700, 1, 1), mine);
        Assert.Equal(new FamilyBillTotal(other, "110101", 1, 1_300, 0, 0, 0, 0, 1_300, 0, 1, 0), sums.Single(s => s.SchoolId == other));
        Assert.Empty(await db.Store.SumFamilyBillsAsync(new FamilyBillFilter(Limit: 1) { Districts = ["110105"], Semester = "2026-2027-1" }));
        Assert.Equal(1, Assert.Single(await db.Store.SumFamilyBillsAsync(Of(BillState.RefundDue))).Bills);
    }
}
