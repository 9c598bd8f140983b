using Marketplace.Adapters.Tests.Mongo;
using Marketplace.Core.Families;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>Families (issue 18): pupils by school and class, by guardian (through every update and delete), by roster key and last
/// roster; guardians by phone, unique; the bureau's counts per school; a roster key is unique.</summary>
public abstract partial class StoreContract
{
    private static Pupil SamplePupil(Guid school, string district, string name, int grade, string className, User guardian, DateTimeOffset at) =>
        Pupil.Create(school, district, name, grade, className, guardian.Id, guardian.Phone!, hardship: null, at);

    [SkippableFact]
    public async Task Pupils_ByClassGuardianAndLastRoster_GuardiansByPhone_CountsPerSchool()
    {
        await using var db = await CreateAsync();
        var (schoolA, schoolB) = (Ids.New(), Ids.New());
        var mother = User.InvitedGuardian("13800000001", "王妈妈", ActivationCode.Hash("X"), Now.AddDays(14));
        var father = User.InvitedGuardian("13800000002", "李爸爸", ActivationCode.Hash("Y"), Now.AddDays(14));
        var pupils = new[]
        {
            SamplePupil(schoolA, "110101", "王小明", 3, "2班", mother, Now.AddDays(-500)),
            SamplePupil(schoolA, "110101", "王小红", 5, "1班", mother, Now),
            SamplePupil(schoolB, "110105", "王小刚", 1, "1班", mother, Now), // one guardian, two schools
            SamplePupil(schoolA, "110101", "李雷", 3, "2班", father, Now),
        };
        pupils[1].Consent(mother.Id, ConsentText.Version, Now);
        var changes = new StoreChanges().Insert(mother).Insert(father);
        foreach (var p in pupils) changes.Insert(p);
        await db.Store.CommitAsync(changes);
        List<Guid> Expect(params int[] indexes) => InIdOrder(indexes.Select(i => pupils[i].Id), null, int.MaxValue);
        async Task<List<Guid>> List(PupilFilter filter) => [.. (await db.Store.ListPupilsAsync(filter)).Select(p => p.Id)];

        Assert.Equal(Expect(0, 1, 3), await List(new PupilFilter(SchoolId: schoolA)));
        Assert.Equal(Expect(0, 3), await List(new PupilFilter(SchoolId: schoolA, Grade: 3, ClassName: "2班")));
        Assert.Equal(Expect(0, 1, 3)[1..], await List(new PupilFilter(SchoolId: schoolA, After: Expect(0, 1, 3)[0])));
        Assert.Equal(Expect(0, 1, 2), await List(new PupilFilter(GuardianId: mother.Id)));
        Assert.Equal(Expect(0), await List(new PupilFilter(RosteredBefore: Now.AddDays(-1))));
        Assert.Equal([pupils[3].Id], (await db.Store.FindPupilsByRosterKeyAsync([pupils[3].RosterKey, "nobody"])).Select(p => p.Id));
        Assert.Equal([father.Id], (await db.Store.FindUsersByPhoneAsync(["13800000002", "13900000000"])).Select(u => u.Id));
        Assert.Equal(mother.Id, (await db.Store.FindUserAsync("13800000001"))?.Id); // its username is its phone

        var counts = (await db.Store.CountPupilsAsync(["110101", "110105"])).OrderBy(c => c.DistrictCode).ToList();
        Assert.Equal([new PupilCount(schoolA, "110101", 3, 1), new PupilCount(schoolB, "110105", 1, 0)], counts);
        Assert.Empty(await db.Store.CountPupilsAsync(["330102"]));

        // A guardian's children follow every write: an added guardian finds the pupil, a deleted pupil is gone from both guardians.
        var shared = (await db.Store.FindAsync<Pupil>(pupils[3].Id))!;
        await db.Store.CommitAsync(new StoreChanges().Delete(shared, shared.Version));
        Assert.Empty(await List(new PupilFilter(GuardianId: father.Id)));
        var moved = (await db.Store.FindAsync<Pupil>(pupils[0].Id))!;
        var expected = moved.Version;
        moved.Revise(4, "3班", hardshipGiven: true, hardship: true, Now, touch: true);
        await db.Store.CommitAsync(new StoreChanges().Update(moved, expected));
        Assert.Equal(Expect(0, 1, 2), await List(new PupilFilter(GuardianId: mother.Id)));
        Assert.Empty(await List(new PupilFilter(RosteredBefore: Now.AddDays(-1))));
        Assert.Equal(Expect(0), await List(new PupilFilter(SchoolId: schoolA, Grade: 4, ClassName: "3班")));
    }

    [SkippableFact]
    public async Task RosterKey_AndGuardianPhone_AreUnique()
    {
        await using var db = await CreateAsync();
        var school = Ids.New();
        var mother = User.InvitedGuardian("13800000001", "王妈妈", ActivationCode.Hash("X"), Now.AddDays(14));
        await db.Store.CommitAsync(new StoreChanges().Insert(mother).Insert(SamplePupil(school, "110101", "王小明", 3, "2班", mother, Now))
            .Insert(MongoSamples.User("zhang.san")).Insert(MongoSamples.User("li.si"))); // users without a phone: many

        var twin = SamplePupil(school, "110101", "王小明", 4, "1班", mother, Now);
        Assert.Equal("rosterKey", (await Assert.ThrowsAsync<DuplicateException>(() => db.Store.CommitAsync(new StoreChanges().Insert(twin)))).Field);
        var samePhone = User.DemoGuardian("guardian9", "hash", "13800000001", "另一位");
        Assert.Equal("phone", (await Assert.ThrowsAsync<DuplicateException>(() => db.Store.CommitAsync(new StoreChanges().Insert(samePhone)))).Field);
        Assert.Single(await db.Store.ListPupilsAsync(new PupilFilter(SchoolId: school)));
    }
}
