using Marketplace.Adapters.Tests.Mongo;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>The providers' list is matched on their white-list entries: district and status of one entry together (issue 12).</summary>
public abstract partial class StoreContract
{
    [SkippableFact]
    public async Task Providers_AreMatchedPerWhiteListEntry_NotOnTheSummaryStatus()
    {
        await using var db = await CreateAsync();
        // 甲: approved in 310104, pending in 310105 (summary Approved). 乙: suspended in 310105, approved in 310106 (summary Approved).
        // 丙: rejected in 310104 (summary Rejected).
        var a = Provider.Register("甲科技馆", ProviderKind.ScienceMuseum, "91310000MA1FL8XQ3K", "王老师", "13800000000", ["310104", "310105"], MongoSamples.Now);
        a.Approve("310104", "Bureau:bureau-310104", null, MongoSamples.Now);
        var b = Provider.Register("乙文化馆", ProviderKind.CulturalCentre, "91310000MA1FL8XQ4K", "李老师", "13800000001", ["310105", "310106"], MongoSamples.Now);
        b.Approve("310105", "Bureau:bureau-310105", null, MongoSamples.Now);
        b.Approve("310106", "Bureau:bureau-310106", null, MongoSamples.Now);
        b.Suspend("310105", "Bureau:bureau-310105", "安全检查", MongoSamples.Now);
        var c = Provider.Register("丙图书馆", ProviderKind.Library, "91310000MA1FL8XQ5K", "张老师", "13800000002", ["310104"], MongoSamples.Now);
        c.Reject("310104", "Bureau:bureau-310104", "材料不全", MongoSamples.Now);
        await db.Store.CommitAsync(new StoreChanges().Insert(a).Insert(b).Insert(c));
        async Task<List<Guid>> List(ProviderFilter filter) => [.. (await db.Store.ListProvidersAsync(filter)).Select(p => p.Id).Order()];
        List<Guid> Of(params Provider[] providers) => [.. providers.Select(p => p.Id).Order()];

        Assert.Equal(Of(a), await List(new ProviderFilter(ProviderStatus.Pending, ["310105"])));          // pending here, approved elsewhere
        Assert.Empty(await List(new ProviderFilter(ProviderStatus.Approved, ["310105"])));                // 甲 approved only in 310104, 乙 suspended here
        Assert.Equal(Of(b), await List(new ProviderFilter(ProviderStatus.Suspended, ["310105", "310107"])));
        Assert.Equal(Of(b), await List(new ProviderFilter(Status: ProviderStatus.Suspended)));           // the sweep: any suspended entry
        Assert.Equal(Of(a, b), await List(new ProviderFilter(Status: ProviderStatus.Approved)));
        Assert.Equal(Of(a, c), await List(new ProviderFilter(Districts: ["310104"])));                  // any entry there, whatever its status
        Assert.Equal(Of(c), await List(new ProviderFilter(ProviderStatus.Rejected, ["310104", "310106"])));
        Assert.Empty(await List(new ProviderFilter(ProviderStatus.Pending, ["310106"])));
    }
}
