using Marketplace.Core.Search;
using Marketplace.Search.Lucene;
using Microsoft.Extensions.Options;
using static Marketplace.Adapters.Tests.Search.SearchSamples;

namespace Marketplace.Adapters.Tests.Search;

/// <summary>
/// The Lucene adapter keeps per-segment columns and parsed hits (with their stored segmentation) between searches; these check that
/// what it serves still follows writes and that reused work gives the same answers as fresh work.
/// </summary>
public sealed class LuceneSearchCachingTests(TempIndexFolder folder) : IClassFixture<TempIndexFolder>
{
    private static OfferingQuery Query() => new(Now: Now, PageSize: 50);

    [Fact]
    public async Task Availability_FollowsAnUpsertThatFillsTheLastSeats()
    {
        using var index = await SeededAsync();
        Assert.Contains(Robot.Id, (await index.SearchAsync(Query() with { AvailableOnly = true })).Items.Select(i => i.Id));

        var full = Robot with { Sessions = [.. Robot.Sessions.Select(s => s with { FreeSeats = 0 })], Version = 2 };
        await index.UpsertAsync(full);

        var result = await index.SearchAsync(Query() with { AvailableOnly = true });
        Assert.DoesNotContain(Robot.Id, result.Items.Select(i => i.Id));
        Assert.Equal(result.Total, result.Items.Count);
    }

    [Fact]
    public async Task PriceFacetAndHit_FollowAnUpsert()
    {
        using var index = await SeededAsync();

        await index.UpsertAsync(Coding with { PriceFen = 9000, Title = "少儿程序设计进阶", Version = 2 });

        var result = await index.SearchAsync(Query() with { MaxPriceFen = 1000 });
        Assert.DoesNotContain(Coding.Id, result.Items.Select(i => i.Id));
        Assert.Equal(2, result.Facets.Price[PriceBands.Above50]); // Basketball and now Coding (the facet ignores the price filter)
        var hit = (await index.SearchAsync(Query() with { Text = "进阶" })).Items.Single();
        Assert.Equal("少儿程序设计进阶", hit.Title);
    }

    [Fact]
    public async Task Highlights_AreTheSameWhenTheStoredHitIsReused()
    {
        using var index = await SeededAsync();
        var query = Query() with { Text = "足球" };

        var first = (await index.SearchAsync(query)).Items.Single().Highlights;
        var again = (await index.SearchAsync(query)).Items.Single().Highlights;

        Assert.Equal(first.Keys.Order(), again.Keys.Order());
        foreach (var (field, fragments) in first) Assert.Equal(fragments, again[field]);
        Assert.Contains("<em>足球</em>", Assert.Single(first["title"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Highlights_LatinTermsCaseInsensitively()
    {
        using var index = await SeededAsync();
        await index.UpsertAsync(Drone() with { Title = "Scratch创意编程" });

        var hit = (await index.SearchAsync(Query() with { Text = "scratch" })).Items.Single();

        Assert.Contains("<em>Scratch</em>", Assert.Single(hit.Highlights["title"]), StringComparison.Ordinal);
        Assert.False(hit.Highlights.ContainsKey("summary")); // no query term in it: no fragment
    }

    private async Task<LuceneOfferingIndex> SeededAsync()
    {
        var index = new LuceneOfferingIndex(Options.Create(new LuceneIndexOptions { Directory = folder.NewSubfolder() }));
        await index.InitializeAsync();
        foreach (var offering in All) await index.UpsertAsync(offering);
        return index;
    }
}
