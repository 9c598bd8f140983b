using Marketplace.Core.Search;
using Marketplace.Search.Lucene;
using Microsoft.Extensions.Options;
using static Marketplace.Adapters.Tests.Search.SearchSamples;

namespace Marketplace.Adapters.Tests.Search;

public sealed class LuceneOfferingIndexTests(TempIndexFolder folder) : OfferingIndexContract, IClassFixture<TempIndexFolder>
{
    protected override async Task<IIndexUnderTest> CreateAsync()
    {
        var index = new LuceneOfferingIndex(Options.Create(new LuceneIndexOptions { Directory = folder.NewSubfolder() }));
        await index.InitializeAsync();
        return new LuceneUnderTest(index);
    }

    /// <summary>
    /// SmartCn alone segments 非遗传承人 as 非 + 遗传 + 承 + 人 and 研学社 as 研 + 学社: 非遗 and 研学 missed them, and matched
    /// any text holding both characters anywhere. The kept words (<see cref="SearchWords"/>) fix both, in the embedded index.
    /// </summary>
    [Fact]
    public async Task DomainWords_FindTheirCompounds_AndNotTextsThatMerelyHoldTheirCharacters()
    {
        await using var sut = await CreateAsync();
        var heritage = Robot with { Id = Guid.CreateVersion7(), Title = "竹编手作课", Summary = "非遗传承人带领学生体验竹编", Description = "" };
        var scattered = Robot with { Id = Guid.CreateVersion7(), Title = "古城遗址考察", Summary = "非常适合高年级", Description = "" };
        var studyTrip = Robot with { Id = Guid.CreateVersion7(), Title = "小小讲解员研学社", Summary = "博物馆讲解", Description = "" };
        foreach (var offering in new[] { heritage, scattered, studyTrip, PaperCut }) await sut.Index.UpsertAsync(offering);

        Assert.Equal(new[] { heritage.Id, PaperCut.Id }.Order(), await IdsAsync(sut.Index, "非遗"));
        Assert.Equal([studyTrip.Id], await IdsAsync(sut.Index, "研学"));
        var hit = (await sut.Index.SearchAsync(new OfferingQuery(Text: "非遗", Now: Now))).Items.Single(i => i.Id == heritage.Id);
        Assert.Contains(hit.Highlights.SelectMany(h => h.Value), fragment => fragment.StartsWith("<em>非遗</em>传承人", StringComparison.Ordinal));
    }

    private static async Task<Guid[]> IdsAsync(IOfferingIndex index, string text) =>
        [.. (await index.SearchAsync(new OfferingQuery(Text: text, Now: Now, PageSize: 50))).Items.Select(i => i.Id).Order()];

    private sealed class LuceneUnderTest(LuceneOfferingIndex index) : IIndexUnderTest
    {
        public Marketplace.Core.Search.IOfferingIndex Index => index;

        public ValueTask DisposeAsync()
        {
            index.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
