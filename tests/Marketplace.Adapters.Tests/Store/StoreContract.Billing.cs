using Marketplace.Core.Families.Billing;
using Marketplace.Core.Persistence;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>Family bills (issue 18): a bill and its ledger posting commit together and round-trip exactly; a second bill of the same
/// (school, pupil, semester) is refused; a stale version conflicts; bills by school, class, window, unpaid and pupil, in id order, paged.</summary>
public abstract partial class StoreContract
{
    private static BillLine SampleLine(Guid window, long fee) =>
        new(window, Ids.New(), "足球", "体育中心", [Ids.New()], [new DateOnly(2026, 9, 7), new DateOnly(2026, 9, 14)], fee, 100, 0, null, Now);

    [SkippableFact]
    public async Task FamilyBills_RoundTrip_AreFilteredAndPaged_AndConflictOnAStaleVersion()
    {
        await using var db = await CreateAsync();
        var (school, window, other) = (Ids.New(), Ids.New(), Ids.New());
        var bills = new List<FamilyBill>();
        var pupils = new List<Marketplace.Core.Families.Pupil>();
        for (var n = 0; n < 4; n++)
        {
            var (_, pupil) = SampleChild(school, 700 + n, className: n < 3 ? "1班" : "2班");
            pupils.Add(pupil);
            var bill = FamilyBill.Open(pupil, "2026-2027-1", Now);
            var posting = bill.Bill(SampleLine(n == 2 ? other : window, 600), Now)!;
            await db.Store.CommitAsync(new StoreChanges().Insert(bill).Insert(posting));
            bills.Add(bill);
        }
        // One paid in full: no longer "unpaid".
        var paid = (await db.Store.FindAsync<FamilyBill>(bills[1].Id))!;
        var expected = paid.Version;
        var payment = paid.Pay(Ids.New(), 700, "offline", "TY-1", Now, "School:school1");
        await db.Store.CommitAsync(new StoreChanges().Update(paid, expected).Insert(payment));

        var loaded = (await db.Store.FindAsync<FamilyBill>(bills[0].Id))!;
        Assert.Equal((700, 700, "1班"), (loaded.BalanceFen, loaded.Lines.Single().AmountFen, loaded.ClassName));
        Assert.Equal(bills[0].Lines.Single().ServiceDays, loaded.Lines.Single().ServiceDays);
        Assert.Equal(700, (await db.Store.FindAsync<LedgerTransaction>(payment.Id))!.Entries.Single(e => e.Account == Accounts.Cash(school)).AmountFen);

        var ids = bills.Select(b => b.Id).Order().ToList();
        Assert.Equal(ids, (await db.Store.ListFamilyBillsAsync(new FamilyBillFilter(SchoolId: school))).Select(b => b.Id));
        Assert.Equal(ids.Where(id => id != bills[3].Id), (await db.Store.ListFamilyBillsAsync(new FamilyBillFilter(SchoolId: school, ClassName: "1班"))).Select(b => b.Id));
        Assert.Equal([bills[2].Id], (await db.Store.ListFamilyBillsAsync(new FamilyBillFilter(SchoolId: school, WindowId: other))).Select(b => b.Id));
        Assert.Equal(ids.Where(id => id != bills[1].Id), (await db.Store.ListFamilyBillsAsync(new FamilyBillFilter(SchoolId: school, UnpaidOnly: true))).Select(b => b.Id));
        Assert.Equal([bills[3].Id], (await db.Store.ListFamilyBillsAsync(new FamilyBillFilter(PupilId: bills[3].PupilId))).Select(b => b.Id));
        Assert.Equal(ids[2..], (await db.Store.ListFamilyBillsAsync(new FamilyBillFilter(SchoolId: school, After: ids[1]))).Select(b => b.Id));
        Assert.Equal(ids[..2], (await db.Store.ListFamilyBillsAsync(new FamilyBillFilter(SchoolId: school, Limit: 2))).Select(b => b.Id));
        Assert.Empty(await db.Store.ListFamilyBillsAsync(new FamilyBillFilter(SchoolId: Ids.New())));

        // The same (school, pupil, semester) again: refused, nothing of that commit written.
        var twin = FamilyBill.Open(pupils[0], "2026-2027-1", Now);
        var twinPosting = twin.Bill(SampleLine(window, 900), Now)!;
        await Assert.ThrowsAsync<DuplicateException>(() => db.Store.CommitAsync(new StoreChanges().Insert(twin).Insert(twinPosting)));
        Assert.Null(await db.Store.FindAsync<LedgerTransaction>(twinPosting.Id));

        // A stale version conflicts: the credit committed first stays, once.
        var first = (await db.Store.FindAsync<FamilyBill>(bills[0].Id))!;
        var stale = first.Version;
        first.Credit(first.Lines[0].WindowId, first.Lines[0].ProgrammeId, 350, RefundCause.Absence, null, [new DateOnly(2026, 9, 7)], [new DateOnly(2026, 9, 7)], Now);
        var credit = first.Credit(first.Lines[0].WindowId, first.Lines[0].ProgrammeId, 350, RefundCause.Absence, null, [new DateOnly(2026, 9, 7)], [], Now);
        Assert.Null(credit); // already at 350: nothing moves
        var winner = (await db.Store.FindAsync<FamilyBill>(bills[0].Id))!;
        var posting2 = winner.Credit(winner.Lines[0].WindowId, winner.Lines[0].ProgrammeId, 350, RefundCause.Absence, null, [new DateOnly(2026, 9, 7)], [], Now)!;
        await db.Store.CommitAsync(new StoreChanges().Update(winner, stale).Insert(posting2));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => db.Store.CommitAsync(new StoreChanges().Update(first, stale)));
        Assert.Equal(350, (await db.Store.FindAsync<FamilyBill>(bills[0].Id))!.BalanceFen);
    }
}
