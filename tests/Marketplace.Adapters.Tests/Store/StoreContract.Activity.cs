using Marketplace.Core.Families.Allocation;
using Marketplace.Core.Families.Selection;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>
/// The lottery's <c>no-activity</c> flag asks the store once for a whole window (<see cref="IMarketplaceStore.FindPupilsWithActivityAsync"/>):
/// a pupil placed by a live application in another window of the same school and semester, or marked present on a roll of a session in
/// the span, has an activity; placed and then withdrawn, waiting without a seat, placed in another semester's or another school's window
/// or in this window itself, absent on a roll or present outside the span does not.
/// </summary>
public abstract partial class StoreContract
{
    [SkippableFact]
    public async Task PupilActivity_PlacedElsewhereInTheSemesterOrPresentOnARoll_ForAWholeWindowAtOnce()
    {
        await using var db = await CreateAsync();
        var (school, otherSchool) = (Ids.New(), Ids.New());
        var window = SampleWindow(school, Ids.New(), 5, AllocationMode.Lottery);
        var other = SampleWindow(school, Ids.New(), 5);
        var lastSemester = SelectionWindow.Open(school, "110101", "2025-2026-2", "春季选课", Now.AddDays(-1), Now.AddDays(3), AllocationMode.FirstCome, 1,
            new Dictionary<string, int>(), [], "t1", false, other.Programmes, null, Now, "School:school1");
        var elsewhere = SampleWindow(otherSchool, Ids.New(), 5);
        var children = Enumerable.Range(0, 11).Select(n => SampleChild(school, 100 + n)).ToList();
        var pupil = children.Select(c => c.Pupil.Id).ToList();
        var changes = new StoreChanges().Insert(window).Insert(other).Insert(lastSemester).Insert(elsewhere);
        SelectionApplication Apply(SelectionWindow w, int n, bool placed)
        {
            var a = SelectionApplication.Submit(w, children[n].Pupil, children[n].Guardian.Id, [w.Programmes[0].ProgrammeId], "t1", false, Now, "g");
            if (placed) a.Place([new ApplicationPlacement(w.Programmes[0].ProgrammeId, 1, Now)]);
            changes.Insert(a);
            return a;
        }
        foreach (var n in Enumerable.Range(0, 11)) Apply(window, n, placed: n == 7);   // everyone applied here; 7 holds a seat in this window only
        Apply(other, 1, placed: true);                                                   // 1: placed in another window of the semester
        Apply(other, 2, placed: true).Withdraw(Now, "g");                                // 2: placed, then withdrew
        Apply(other, 3, placed: false);                                                  // 3: waiting there, no seat
        Apply(lastSemester, 4, placed: true);                                            // 4: last semester's window
        Apply(elsewhere, 5, placed: true);                                               // 5: another school's window
        var (from, before) = (Now.AddDays(-30), Now.AddDays(30));
        changes.Insert(SampleRoll(school, "110101", Now.AddDays(-2), (pupil[6], true), (pupil[8], false)));  // 6 present; 8 absent
        changes.Insert(SampleRoll(school, "110101", Now.AddDays(-40), (pupil[9], true)));                   // 9 present before the span
        changes.Insert(SampleRoll(school, "110101", Now.AddDays(-3), (pupil[10], true), (Ids.New(), true))); // 10 present; someone not asked
        await db.Store.CommitAsync(changes);

        var found = await db.Store.FindPupilsWithActivityAsync(new PupilActivityFilter(school, window.Semester, window.Id, pupil, from, before));
        Assert.Equal(InIdOrder([pupil[1], pupil[6], pupil[10]]), InIdOrder(found));
        Assert.Empty(await db.Store.FindPupilsWithActivityAsync(new PupilActivityFilter(school, window.Semester, window.Id, [pupil[0], pupil[7]], from, before)));
        Assert.Empty(await db.Store.FindPupilsWithActivityAsync(new PupilActivityFilter(school, window.Semester, window.Id, [], from, before)));
        // Seen from the other window, this window's seat (7) is the activity, and 1's own placement there is not.
        Assert.Equal(InIdOrder([pupil[6], pupil[7], pupil[10]]),
            InIdOrder(await db.Store.FindPupilsWithActivityAsync(new PupilActivityFilter(school, other.Semester, other.Id, pupil, from, before))));
    }

    [SkippableFact]
    public async Task SelectionApplications_AreCountedByTheListsFilter_WithoutItsCursor()
    {
        await using var db = await CreateAsync();
        var (school, programme) = (Ids.New(), Ids.New());
        var window = SampleWindow(school, programme, 5);
        var other = SampleWindow(school, Ids.New(), 5);
        var changes = new StoreChanges().Insert(window).Insert(other);
        var ids = new List<Guid>();
        for (var n = 0; n < 7; n++)
        {
            var (guardian, pupil) = SampleChild(school, 200 + n, n < 5 ? "1班" : "2班");
            var a = SelectionApplication.Submit(window, pupil, guardian.Id, [programme], "t1", false, Now, "g");
            changes.Insert(a);
            ids.Add(a.Id);
            if (n == 0) changes.Insert(SelectionApplication.Submit(other, pupil, guardian.Id, [other.Programmes[0].ProgrammeId], "t1", false, Now, "g"));
        }
        await db.Store.CommitAsync(changes);
        Assert.Equal(7, await db.Store.CountSelectionApplicationsAsync(new SelectionApplicationFilter(WindowId: window.Id)));
        Assert.Equal(7, await db.Store.CountSelectionApplicationsAsync(new SelectionApplicationFilter(WindowId: window.Id, Limit: 2, After: InIdOrder(ids)[3])));
        Assert.Equal(2, await db.Store.CountSelectionApplicationsAsync(new SelectionApplicationFilter(WindowId: window.Id, Grade: 3, ClassName: "2班")));
        Assert.Equal(1, await db.Store.CountSelectionApplicationsAsync(new SelectionApplicationFilter(WindowId: other.Id)));
        Assert.Equal(0, await db.Store.CountSelectionApplicationsAsync(new SelectionApplicationFilter(WindowId: Ids.New())));
    }
}
