using Marketplace.Core.Families.RollCall;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>Roll calls (issue 18): a pupil's rolls, latest session first, through every update and delete; distinct present pupils
/// per school of the districts and span (a pupil present twice counts once, an absent one not at all, the span half-open).</summary>
public abstract partial class StoreContract
{
    private static Roll SampleRoll(Guid school, string district, DateTimeOffset startsAt, params (Guid Pupil, bool Present)[] marks)
    {
        var roll = Roll.For(Ids.New(), school, Ids.New(), district, startsAt, startsAt);
        roll.Mark(marks, startsAt.AddMinutes(5), "Provider:teacher", Roll.ProviderSide);
        return roll;
    }

    [SkippableFact]
    public async Task RollCalls_ByPupilLatestFirst_DistinctPresentPupilsPerSchool()
    {
        await using var db = await CreateAsync();
        var (schoolA, schoolB) = (Ids.New(), Ids.New());
        var (p1, p2, p3, p4) = (Ids.New(), Ids.New(), Ids.New(), Ids.New());
        var start = new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.Zero);
        var rolls = new[]
        {
            SampleRoll(schoolA, "110101", start.AddDays(1), (p1, true), (p2, true), (p3, false)),
            SampleRoll(schoolA, "110101", start.AddDays(8), (p1, true), (p3, false)),          // p1 again: still one pupil
            SampleRoll(schoolB, "110105", start.AddDays(2), (p4, true)),
            SampleRoll(schoolA, "110101", start.AddDays(-1), (p3, true)),                      // before the span
            SampleRoll(schoolA, "110101", start.AddDays(30), (p3, true)),                      // at `before`: outside (half-open)
        };
        var changes = new StoreChanges();
        foreach (var r in rolls) changes.Insert(r);
        await db.Store.CommitAsync(changes);

        async Task<List<PresentPupilCount>> Count(params string[] districts) =>
            [.. (await db.Store.CountPresentPupilsAsync(districts, start, start.AddDays(30))).OrderBy(c => c.DistrictCode)];
        Assert.Equal([new PresentPupilCount(schoolA, "110101", 2), new PresentPupilCount(schoolB, "110105", 1)], await Count("110101", "110105"));
        Assert.Equal([new PresentPupilCount(schoolB, "110105", 1)], await Count("110105"));
        Assert.Empty(await Count("330102"));

        Assert.Equal([rolls[4].Id, rolls[1].Id, rolls[0].Id, rolls[3].Id], (await db.Store.ListRollsOfPupilAsync(p3, 10)).Select(r => r.Id));
        Assert.Equal([rolls[4].Id, rolls[1].Id], (await db.Store.ListRollsOfPupilAsync(p3, 2)).Select(r => r.Id));
        Assert.Empty(await db.Store.ListRollsOfPupilAsync(Ids.New(), 10));

        // An edit follows: p2 absent now (school A: p1 only), p4 marked on a roll of school A; a deleted roll is gone.
        var edited = (await db.Store.FindAsync<Roll>(rolls[0].Id))!;
        var expected = edited.Version;
        Assert.True(edited.Mark([(p2, false), (p4, false)], start.AddDays(1).AddHours(1), "School:patrol", Roll.SchoolSide));
        await db.Store.CommitAsync(new StoreChanges().Update(edited, expected));
        Assert.Equal([new PresentPupilCount(schoolA, "110101", 1)], await Count("110101"));
        Assert.Equal([rolls[2].Id, rolls[0].Id], (await db.Store.ListRollsOfPupilAsync(p4, 10)).Select(r => r.Id));
        var loaded = (await db.Store.FindAsync<Roll>(rolls[0].Id))!;
        Assert.Equal((false, 2, "School:patrol"), (loaded.PresentOf(p2), loaded.Revisions.Count, loaded.Revisions[^1].By));
        Assert.Equal([new RollChange(p2, true, false), new RollChange(p4, null, false)], loaded.Revisions[^1].Changes);

        await db.Store.CommitAsync(new StoreChanges().Delete(loaded, loaded.Version));
        Assert.Equal([rolls[2].Id], (await db.Store.ListRollsOfPupilAsync(p4, 10)).Select(r => r.Id));
    }
}
