using Marketplace.Adapters.Tests.Mongo;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>The paged list queries: filters, order, limit and the keyset cursor are applied by the store.</summary>
public abstract partial class StoreContract
{
    [SkippableFact]
    public async Task Sessions_ArePagedByStartThenId_FromTheCursorOn()
    {
        await using var db = await CreateAsync();
        var offeringId = Ids.New();
        var providerId = Ids.New();
        var at = MongoSamples.Now.AddDays(3);
        // Three share a start (ordered by id among themselves), one is earlier, one later, one belongs to another offering.
        var tied = Enumerable.Range(0, 3).Select(_ => Session.Schedule(offeringId, providerId, at, at.AddHours(1), 10)).ToList();
        var early = Session.Schedule(offeringId, providerId, at.AddDays(-1), at.AddDays(-1).AddHours(1), 10);
        var late = Session.Schedule(offeringId, providerId, at.AddDays(1), at.AddDays(1).AddHours(1), 10);
        var other = Session.Schedule(Ids.New(), providerId, at, at.AddHours(1), 10);
        var changes = new StoreChanges();
        foreach (var s in new[] { late, tied[2], other, early, tied[0], tied[1] }) changes.Insert(s);
        await db.Store.CommitAsync(changes);
        var expected = new[] { early.Id }.Concat(InIdOrder(tied.Select(s => s.Id))).Append(late.Id).ToList();

        var seen = new List<Guid>();
        SessionKey? after = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var page = await db.Store.ListSessionsAsync(new SessionFilter(offeringId, 2, after));
            Assert.InRange(page.Count, 0, 2);
            seen.AddRange(page.Select(s => s.Id));
            if (page.Count < 2) break;
            after = new SessionKey(page[^1].StartsAt, page[^1].Id);
        }

        Assert.Equal(expected, seen);
        Assert.Equal(expected, (await db.Store.ListSessionsAsync(new SessionFilter(offeringId))).Select(s => s.Id));
    }

    [SkippableFact]
    public async Task Offerings_ArePagedInIdOrder_ByProviderOrProviders_AndStatus()
    {
        await using var db = await CreateAsync();
        var (mine, theirs, stranger) = (Ids.New(), Ids.New(), Ids.New());
        var offerings = new[] { mine, theirs, mine, stranger, mine, theirs }.Select(MongoSamples.Offering).ToList();
        offerings[2].Submit(MongoSamples.Now);
        offerings[5].Submit(MongoSamples.Now);
        var changes = new StoreChanges();
        offerings.ForEach(o => changes.Insert(o));
        await db.Store.CommitAsync(changes);
        List<Guid> Expect(int[] indexes, Guid? after = null, int limit = int.MaxValue) => InIdOrder(indexes.Select(i => offerings[i].Id), after, limit);
        async Task<List<Guid>> List(OfferingFilter filter) => [.. (await db.Store.ListOfferingsAsync(filter)).Select(o => o.Id)];
        var minePage = Expect([0, 2, 4]);

        Assert.Equal(minePage, await List(new OfferingFilter(ProviderId: mine)));
        Assert.Equal(Expect([0, 2, 4], limit: 2), await List(new OfferingFilter(ProviderId: mine, Limit: 2)));
        Assert.Equal(Expect([0, 2, 4], after: minePage[0]), await List(new OfferingFilter(ProviderId: mine, After: minePage[0])));
        Assert.Equal(Expect([0, 1, 2, 4, 5]), await List(new OfferingFilter(ProviderIds: [mine, theirs])));
        Assert.Equal(Expect([2, 5]), await List(new OfferingFilter(ProviderIds: [mine, theirs], Status: OfferingStatus.PendingReview)));
        Assert.Equal(Expect([0, 1, 2, 4, 5], after: offerings[3].Id), await List(new OfferingFilter(ProviderIds: [mine, theirs], After: offerings[3].Id)));
        Assert.Equal(Expect([2]), await List(new OfferingFilter(ProviderId: mine, ProviderIds: [theirs, mine], Status: OfferingStatus.PendingReview)));
        Assert.Empty(await List(new OfferingFilter(ProviderId: stranger, ProviderIds: [mine])));
        Assert.Empty(await List(new OfferingFilter(ProviderIds: [])));
        Assert.Equal(Expect([0, 1, 2, 3, 4, 5]), await List(new OfferingFilter()));
    }

    [SkippableFact]
    public async Task Providers_ArePagedInIdOrder_ByStatusAndDistricts()
    {
        await using var db = await CreateAsync();
        var providers = new[]
        {
            Provider.Register("甲科技馆", ProviderKind.ScienceMuseum, "91310000MA1FL8XQ3K", "王老师", "13800000000", ["310104"], MongoSamples.Now),
            Provider.Register("乙文化馆", ProviderKind.CulturalCentre, "91310000MA1FL8XQ4K", "李老师", "13800000001", ["310105", "310106"], MongoSamples.Now),
            Provider.Register("丙图书馆", ProviderKind.Library, "91310000MA1FL8XQ5K", "张老师", "13800000002", ["310106"], MongoSamples.Now),
            Provider.Register("丁少年宫", ProviderKind.YouthPalace, "91310000MA1FL8XQ6K", "赵老师", "13800000003", ["310104", "310107"], MongoSamples.Now),
        };
        foreach (var i in new[] { 1, 3 })
            foreach (var district in providers[i].Districts) providers[i].Approve(district, $"Bureau:bureau-{district}", null, MongoSamples.Now);
        var changes = new StoreChanges();
        foreach (var p in providers) changes.Insert(p);
        await db.Store.CommitAsync(changes);
        List<Guid> Expect(int[] indexes, Guid? after = null, int limit = int.MaxValue) => InIdOrder(indexes.Select(i => providers[i].Id), after, limit);
        async Task<List<Guid>> List(ProviderFilter filter) => [.. (await db.Store.ListProvidersAsync(filter)).Select(p => p.Id)];
        var all = Expect([0, 1, 2, 3]);

        Assert.Equal(all, await List(new ProviderFilter()));
        Assert.Equal(all[..2], await List(new ProviderFilter(Limit: 2)));
        Assert.Equal(all[2..], await List(new ProviderFilter(After: all[1])));
        Assert.Equal(Expect([1, 3]), await List(new ProviderFilter(Status: ProviderStatus.Approved)));
        Assert.Equal(Expect([0, 3]), await List(new ProviderFilter(Districts: ["310104"])));
        Assert.Equal(Expect([1, 2, 3]), await List(new ProviderFilter(Districts: ["310106", "310107"])));
        Assert.Equal(Expect([1, 3], after: providers[1].Id), await List(new ProviderFilter(ProviderStatus.Approved, ["310104", "310106"], After: providers[1].Id)));
        Assert.Empty(await List(new ProviderFilter(Districts: [])));
    }

    /// <summary>The stores order ids as their text ("D" format, ordinal); version-7 ids made in one millisecond are not in creation order.</summary>
    private static List<Guid> InIdOrder(IEnumerable<Guid> ids, Guid? after = null, int limit = int.MaxValue) =>
        [.. ids.Where(id => after is null || string.CompareOrdinal(id.ToString("D"), after.Value.ToString("D")) > 0)
            .OrderBy(id => id.ToString("D"), StringComparer.Ordinal).Take(limit)];
}
