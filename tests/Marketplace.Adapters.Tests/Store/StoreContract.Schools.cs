using Marketplace.Adapters.Tests.Mongo;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>The school roster queries (issue 12, E): by district and stage in id order, without a booking since a date, by 学校标识码;
/// users by name; a school code is unique where present.</summary>
public abstract partial class StoreContract
{
    private static School RosterSchool(string district, string? code, SchoolStage? stage) =>
        new(Ids.New(), "徐汇区第一中心小学", district, "漕溪北路 2 号", 31.19, 121.43, new Dictionary<int, int> { [3] = 120 }, code, stage, "张老师", "13900000000");

    [SkippableFact]
    public async Task Schools_ArePagedByDistrictAndStage_AndWithoutABookingSince()
    {
        await using var db = await CreateAsync();
        var schools = new[]
        {
            RosterSchool("310104", "3101040001", SchoolStage.Primary), RosterSchool("310104", "3101040002", SchoolStage.Junior),
            RosterSchool("310104", null, null), RosterSchool("310105", "3101050001", SchoolStage.Primary), RosterSchool("310104", "3101040003", SchoolStage.Primary),
        };
        var session = MongoSamples.Session(Ids.New(), Ids.New());
        var booked = MongoSamples.Booking(session, schools[0].Id); // Requested, the session a week after Now
        var declined = MongoSamples.Booking(session, schools[4].Id);
        declined.Decline("满员", Now, "provider:x");
        var changes = new StoreChanges().Insert(session).Insert(booked).Insert(declined);
        foreach (var s in schools) changes.Insert(s);
        await db.Store.CommitAsync(changes);
        List<Guid> Expect(int[] indexes, Guid? after = null, int limit = int.MaxValue) => InIdOrder(indexes.Select(i => schools[i].Id), after, limit);
        async Task<List<Guid>> List(SchoolFilter filter) => [.. (await db.Store.ListSchoolsAsync(filter)).Select(s => s.Id)];
        var xuhui = Expect([0, 1, 2, 4]);

        Assert.Equal(xuhui, await List(new SchoolFilter(["310104"])));
        Assert.Equal(Expect([0, 1, 2, 3, 4]), await List(new SchoolFilter(["310104", "310105"])));
        Assert.Equal(xuhui[..2], await List(new SchoolFilter(["310104"], Limit: 2)));
        Assert.Equal(xuhui[2..], await List(new SchoolFilter(["310104"], After: xuhui[1])));
        Assert.Equal(Expect([0, 4]), await List(new SchoolFilter(["310104"], SchoolStage.Primary)));
        // Booked since Now: school 0 (a request); a declined booking does not count, nor one whose session starts before the date.
        Assert.Equal(Expect([1, 2, 4]), await List(new SchoolFilter(["310104"], NoBookingSince: Now)));
        Assert.Equal(Expect([4]), await List(new SchoolFilter(["310104"], SchoolStage.Primary, Now)));
        Assert.Equal(xuhui, await List(new SchoolFilter(["310104"], NoBookingSince: session.StartsAt.AddSeconds(1))));
        Assert.Equal(Expect([1, 2, 4], after: xuhui[1]), await List(new SchoolFilter(["310104"], NoBookingSince: Now, After: xuhui[1])));
        Assert.Empty(await List(new SchoolFilter([])));
    }

    [SkippableFact]
    public async Task Schools_ByCode_UsersByName_AndTheSchoolCodeIsUnique()
    {
        await using var db = await CreateAsync();
        var first = RosterSchool("310104", "3101040001", SchoolStage.Primary);
        var uncoded = RosterSchool("310104", null, null);
        var zhang = MongoSamples.User("zhang.san");
        await db.Store.CommitAsync(new StoreChanges().Insert(first).Insert(uncoded).Insert(RosterSchool("310104", null, null)).Insert(zhang)
            .Insert(MongoSamples.User("li.si")));

        Assert.Equal([first.Id], (await db.Store.FindSchoolsByCodeAsync(["3101040001", "9999999999"])).Select(s => s.Id));
        Assert.Empty(await db.Store.FindSchoolsByCodeAsync([]));
        Assert.Equal([zhang.Id], (await db.Store.FindUsersAsync([" Zhang.San ", "nobody"])).Select(u => u.Id));
        Assert.Equal(2, (await db.Store.FindUsersAsync(["zhang.san", "li.si"])).Count);
        Assert.Empty(await db.Store.FindUsersAsync([]));
        var error = await Assert.ThrowsAsync<DuplicateException>(() => db.Store.CommitAsync(new StoreChanges().Insert(RosterSchool("310105", "3101040001", null))));
        Assert.Equal("schoolCode", error.Field);
        Assert.Null((await db.Store.FindAsync<School>(uncoded.Id))!.SchoolCode); // absent, not ""
    }
}
