using Marketplace.Core.Catalog;
using Marketplace.Core.Matching;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>The recommendation notices a school was sent (issue 16, send the list): its own only, newest first, at most the limit; marked read by version.</summary>
public abstract partial class StoreContract
{
    private static RecommendationNotice Notice(Guid schoolId, DateTimeOffset at)
    {
        var standing = new SchoolStanding(schoolId, "东城区第一小学", "110101", null, 39.9, 116.4, 300, false, [Category.Science], 0, 0m, false, 0, null, true)
        {
            Recommendations =
            [
                new Recommendation(Ids.New(), "少儿编程", Ids.New(), "科技馆", Category.Science, Category.Science, DeliveryMode.OnCampus, true, 0, Ids.New(),
                    at.AddDays(3), at.AddDays(3).AddMinutes(40), 18, 30, 1000, 600, 400, 30_000, true, 0.5m, 4, 120, []),
            ],
            RemainingFen = 90_000,
        };
        return RecommendationNotice.Send(standing, "2026-2027-1", new Caller(Ids.New(), "bureau-110101", Role.Bureau, Ids.New(), ["110101"]), "北京市东城区教育局", at);
    }

    [SkippableFact]
    public async Task RecommendationNotices_OfOneSchool_NewestFirst_UpToTheLimit_AndMarkedReadByVersion()
    {
        await using var db = await CreateAsync();
        var school = Ids.New();
        var first = Notice(school, Now);
        var second = Notice(school, Now.AddMinutes(5));
        var other = Notice(Ids.New(), Now.AddMinutes(1));
        await db.Store.CommitAsync(new StoreChanges().Insert(first).Insert(other));
        await db.Store.CommitAsync(new StoreChanges().Insert(second));

        Assert.Equal([second.Id, first.Id], (await db.Store.ListRecommendationNoticesAsync(school, 20)).Select(n => n.Id));
        Assert.Equal([second.Id], (await db.Store.ListRecommendationNoticesAsync(school, 1)).Select(n => n.Id));
        Assert.Empty(await db.Store.ListRecommendationNoticesAsync(Ids.New(), 20));

        var stored = (await db.Store.ListRecommendationNoticesAsync(school, 20))[1];
        Assert.Equal(first.Items[0], stored.Items[0]);
        Assert.Equal(90_000, stored.RemainingFen);
        Assert.Equal("北京市东城区教育局", stored.BureauName);
        Assert.True(stored.MarkRead(Now.AddHours(1)));
        await db.Store.CommitAsync(new StoreChanges().Update(stored, stored.Version - 1));
        Assert.Equal(Now.AddHours(1), (await db.Store.FindAsync<RecommendationNotice>(first.Id))!.ReadAt);
    }
}
