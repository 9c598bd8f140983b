using Marketplace.Core.Catalog;
using Marketplace.Core.Families;
using Marketplace.Core.Families.Allocation;
using Marketplace.Core.Families.Selection;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>The selection window (issue 18): the first-come seat take is one conditional update (never over capacity, also in
/// parallel; a take that does not fit rolls its whole commit back), seats come back but never below zero, applications by window,
/// class and pupil, windows by school, and a draw survives the round trip exactly (it still verifies).</summary>
public abstract partial class StoreContract
{
    private static SelectionWindow SampleWindow(Guid school, Guid programme, int seats, AllocationMode mode = AllocationMode.FirstCome) =>
        SelectionWindow.Open(school, "110101", "2026-2027-1", "秋季选课", Now.AddDays(-1), Now.AddDays(3), mode, 1, new Dictionary<string, int> { ["hardship"] = 3 },
            ["hardship"], "t1", false,
            [new WindowProgramme(programme, null, [programme], Ids.New(), Ids.New(), "足球", "体育中心", DeliveryMode.OnCampus, seats,
                [new TimeSlot(Now.AddDays(5), Now.AddDays(5).AddHours(1))], [3])],
            mode == AllocationMode.Lottery ? LotteryDraw.NewSeed() : null, Now, "School:school1");

    private static (User Guardian, Pupil Pupil) SampleChild(Guid school, int n, string className = "1班")
    {
        var guardian = User.InvitedGuardian($"1370000{n:D4}", "家长", ActivationCode.Hash("X"), Now.AddDays(14));
        return (guardian, Pupil.Create(school, "110101", $"学生{n}", 3, className, guardian.Id, guardian.Phone!, hardship: n % 2 == 0, Now));
    }

    [SkippableFact]
    public async Task SelectionSeats_TakeIsConditional_AllOrNothing_AndNeverOverCapacityInParallel()
    {
        await using var db = await CreateAsync();
        var (school, programme) = (Ids.New(), Ids.New());
        var window = SampleWindow(school, programme, 5);
        var seatsId = SelectionSeats.IdOf(window.Id, programme);
        await db.Store.CommitAsync(new StoreChanges().Insert(window).Insert(SelectionSeats.For(window.Id, programme, 5)));

        var tries = Enumerable.Range(0, 20).Select(async n =>
        {
            var (guardian, pupil) = SampleChild(school, n);
            var application = SelectionApplication.Submit(window, pupil, guardian.Id, [programme], "t1", false, Now, "g");
            try
            {
                await db.Store.CommitAsync(new StoreChanges().Insert(application).TakeSelectionSeats(seatsId, 1));
                return true;
            }
            catch (SelectionSeatsUnavailableException e)
            {
                Assert.Equal(seatsId, e.SeatsId);
                return false;
            }
        });
        var taken = await Task.WhenAll(tries);
        Assert.Equal(5, taken.Count(t => t));
        Assert.Equal(5, (await db.Store.FindAsync<SelectionSeats>(seatsId))!.Taken);
        // A commit whose take did not fit wrote nothing else: only the five placed applications exist.
        Assert.Equal(5, (await db.Store.ListSelectionApplicationsAsync(new SelectionApplicationFilter(WindowId: window.Id))).Count);

        await db.Store.CommitAsync(new StoreChanges().ReturnSelectionSeats(seatsId, 2));
        var seats = (await db.Store.FindAsync<SelectionSeats>(seatsId))!;
        Assert.Equal((3, 2), (seats.Taken, seats.Free));
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.Store.CommitAsync(new StoreChanges().ReturnSelectionSeats(seatsId, 4)));
        await Assert.ThrowsAsync<SelectionSeatsUnavailableException>(() => db.Store.CommitAsync(new StoreChanges().TakeSelectionSeats(seatsId, 3)));
        Assert.Equal(3, (await db.Store.FindAsync<SelectionSeats>(seatsId))!.Taken);
    }

    [SkippableFact]
    public async Task SelectionApplications_ByWindowClassAndPupil_WindowsBySchool_AndADrawRoundTrips()
    {
        await using var db = await CreateAsync();
        var (school, other, programme) = (Ids.New(), Ids.New(), Ids.New());
        var window = SampleWindow(school, programme, 2, AllocationMode.Lottery);
        var older = SampleWindow(school, Ids.New(), 1);
        var elsewhere = SampleWindow(other, Ids.New(), 1);
        var children = Enumerable.Range(0, 4).Select(n => SampleChild(school, n, n < 3 ? "1班" : "2班")).ToList();
        var applications = children.Select(c => SelectionApplication.Submit(window, c.Pupil, c.Guardian.Id, [programme], "t1", false, Now, "g")).ToList();
        var elsewhereApplication = SelectionApplication.Submit(older, children[0].Pupil, children[0].Guardian.Id, [older.Programmes[0].ProgrammeId], "t1", false, Now, "g");
        var changes = new StoreChanges().Insert(older).Insert(window).Insert(elsewhere).Insert(elsewhereApplication);
        foreach (var a in applications) changes.Insert(a);
        await db.Store.CommitAsync(changes);

        var ids = InIdOrder(applications.Select(a => a.Id));
        Assert.Equal(ids, (await db.Store.ListSelectionApplicationsAsync(new SelectionApplicationFilter(WindowId: window.Id))).Select(a => a.Id));
        Assert.Equal(InIdOrder(applications.Take(3).Select(a => a.Id)),
            (await db.Store.ListSelectionApplicationsAsync(new SelectionApplicationFilter(WindowId: window.Id, Grade: 3, ClassName: "1班"))).Select(a => a.Id));
        Assert.Equal(ids[2..], (await db.Store.ListSelectionApplicationsAsync(new SelectionApplicationFilter(WindowId: window.Id, After: ids[1]))).Select(a => a.Id));
        Assert.Equal(InIdOrder([applications[0].Id, elsewhereApplication.Id]),
            (await db.Store.ListSelectionApplicationsAsync(new SelectionApplicationFilter(PupilId: children[0].Pupil.Id))).Select(a => a.Id));
        Assert.Equal(Enumerable.Reverse(InIdOrder([window.Id, older.Id])), (await db.Store.ListSelectionWindowsAsync([school], 10)).Select(w => w.Id)); // newest first
        Assert.Equal(3, (await db.Store.ListSelectionWindowsAsync([school, other], 10)).Count);

        // The draw is kept exactly: read back, it verifies against its own request (seed, order, placements, waiting lists).
        var request = new AllocationRequest([window.Programmes[0].ToSeats(2)], [.. applications.Select(a => a.ToApplicant([]))], 1, AllocationMode.Lottery,
            window.Seed, window.Weights, window.PriorityFlags);
        await db.Store.CommitAsync(new StoreChanges().Insert(SelectionDraw.Of(window, request, AllocationEngine.Allocate(request), Now)));
        var stored = (await db.Store.FindAsync<SelectionDraw>(window.Id))!;
        Assert.True(AllocationEngine.Verify(stored.Request, stored.Result).Matches);
        Assert.Equal(2, stored.Result.Placements.Count);
        Assert.Equal(window.SeedCommitment, LotteryDraw.Commitment(stored.Request.Seed!));
    }

    /// <summary>
    /// A guardian's waiting place is the store's count of those ahead of it + 1 (<see cref="IMarketplaceStore.CountSelectionWaitingAheadAsync"/>):
    /// for every application and programme of a window with withdrawn, rejected, resubmitted and placed applications, grades a programme
    /// does not admit, ties on submittedAt (then pupil id) and instants with and without fractions, the count is the position the
    /// whole-window computation gives minus one; and the queries' one-application view equals the school's whole-window list.
    /// </summary>
    [SkippableFact]
    public async Task SelectionWaitingAhead_CountsExactlyThoseAheadOnTheWholeWindowsList()
    {
        await using var db = await CreateAsync();
        var school = Ids.New();
        var (p3, p34, pAll) = (Ids.New(), Ids.New(), Ids.New());
        WindowProgramme Programme(Guid id, int day, IReadOnlyList<int> grades) => new(id, null, [id], Ids.New(), Ids.New(), "足球", "体育中心",
            DeliveryMode.OnCampus, 3, [new TimeSlot(Now.AddDays(day), Now.AddDays(day).AddHours(1))], grades);
        var window = SelectionWindow.Open(school, "110101", "2026-2027-1", "秋季选课", Now.AddDays(-1), Now.AddDays(3), AllocationMode.FirstCome, 2,
            new Dictionary<string, int>(), [], "t1", false, [Programme(p3, 5, [3]), Programme(p34, 6, [3, 4]), Programme(pAll, 7, [])], null, Now, "School:school1");
        var other = SelectionWindow.Open(school, "110101", "2026-2027-1", "别的窗口", Now.AddDays(-1), Now.AddDays(3), AllocationMode.FirstCome, 2,
            new Dictionary<string, int>(), [], "t1", false, [Programme(p3, 5, [3])], null, Now, "School:school1");
        var random = new Random(18);
        var programmes = new[] { p3, p34, pAll };
        DateTimeOffset At() => Now.AddSeconds(random.Next(0, 6)).AddTicks(random.Next(0, 4) * 1_250_000); // ties, and .125 / .25 / .375 or none
        var applications = new List<SelectionApplication>();
        var changes = new StoreChanges().Insert(window).Insert(other);
        for (var n = 0; n < 80; n++)
        {
            var guardian = User.InvitedGuardian($"1370001{n:D4}", "家长", ActivationCode.Hash("X"), Now.AddDays(14));
            var pupil = Pupil.Create(school, "110101", $"学生{n}", 3 + random.Next(0, 3), "1班", guardian.Id, guardian.Phone!, hardship: false, Now);
            var choices = programmes.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToList();
            var application = SelectionApplication.Submit(window, pupil, guardian.Id, choices, "t1", false, At(), "g");
            switch (random.Next(0, 8))
            {
                case 0: application.Withdraw(Now.AddSeconds(10), "g"); break;
                case 1: application.Review(ReviewStep.Class, false, "不符合", Now.AddSeconds(10), "s"); break;
                case 2:
                    application.Withdraw(Now.AddSeconds(10), "g");
                    application.Resubmit(pupil, guardian.Id, choices, "t1", false, At().AddSeconds(3), "g"); // at the back
                    break;
            }
            if (application.IsLive && random.Next(0, 2) == 0)
                application.Place([.. choices.Where(_ => random.Next(0, 2) == 0).Take(2).Select(c => new ApplicationPlacement(c, choices.IndexOf(c) + 1, Now))]);
            applications.Add(application);
            changes.Insert(application);
            if (n % 10 == 0) changes.Insert(SelectionApplication.Submit(other, pupil, guardian.Id, [p3], "t1", false, Now, "g")); // another window's: not counted
        }
        await db.Store.CommitAsync(changes);
        // Later writes of stored applications count too: withdrawals, a freed seat given to a waiting pupil, a resubmission at the back.
        var updates = new StoreChanges();
        var touched = applications.Where(a => a.IsLive).Take(6).ToList();
        foreach (var a in touched)
        {
            var version = a.Version;
            if (a.Placements.Count == 0) a.AddPlacement(new ApplicationPlacement(a.Choices[^1], a.Choices.Count, Now.AddSeconds(20)));
            else a.Withdraw(Now.AddSeconds(20), "g");
            updates.Update(a, version);
        }
        foreach (var a in applications.Where(a => a.Status == ApplicationStatus.Withdrawn && !touched.Contains(a)).Take(3))
        {
            var version = a.Version;
            var pupil = Pupil.Create(school, "110101", "学生", a.Grade, "1班", a.GuardianId, "13700000000", false, Now);
            a.Resubmit(pupil, a.GuardianId, a.Choices, "t1", false, Now.AddSeconds(4), "g");
            updates.Update(a, version);
        }
        await db.Store.CommitAsync(updates);

        // The whole-window computation (SelectionQueries' school list): live applications by submittedAt, then pupil id.
        var lists = programmes.ToDictionary(p => p, _ => new List<Guid>());
        foreach (var a in applications.Where(a => a.IsLive).OrderBy(a => a.SubmittedAt).ThenBy(a => a.PupilId))
            foreach (var c in a.Choices)
                if (!a.Placements.Any(p => p.ProgrammeId == c) && window.Programme(c)!.ToSeats(0).Admits(a.Grade)) lists[c].Add(a.PupilId);
        var checkedPlaces = 0;
        foreach (var a in applications)
            foreach (var p in window.Programmes)
            {
                var position = lists[p.ProgrammeId].IndexOf(a.PupilId);
                if (position < 0) continue;
                Assert.Equal(position, await db.Store.CountSelectionWaitingAheadAsync(window.Id, p.ProgrammeId, a.SubmittedAt, a.PupilId,
                    p.Grades.Count > 0 ? p.Grades : null));
                checkedPlaces++;
            }
        Assert.True(checkedPlaces > 40, $"only {checkedPlaces} waiting places checked");
        Assert.True(lists.Values.All(l => l.Count > 3));

        // The queries: one application's view (the count) equals its line in the school's list (the whole window).
        var queries = new SelectionQueries(db.Store, TimeProvider.System);
        var caller = new Caller(Ids.New(), "school1", Role.School, school, ["110101"]);
        var all = (await queries.ApplicationsAsync(caller, window.Id, null, null, 500, null)).ToDictionary(v => v.Application.Id);
        Assert.Equal(applications.Count, all.Count);
        foreach (var a in applications) // as before: a pupil alone at the cap (or placed on every choice) is shown no waiting place
            Assert.Equal(a.IsLive && a.Placements.Count < Math.Min(window.CapPerPupil, a.Choices.Count) ? all[a.Id].Waiting : [],
                (await queries.ApplicationAsync(caller, window.Id, a.Id)).Waiting);
    }
}
