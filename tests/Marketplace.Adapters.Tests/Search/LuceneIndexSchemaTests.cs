using Marketplace.Core.Search;
using Marketplace.Search.Lucene;
using Microsoft.Extensions.Options;
using static Marketplace.Adapters.Tests.Search.SearchSamples;

namespace Marketplace.Adapters.Tests.Search;

/// <summary>An index written with another mapping, other synonyms or other kept words is not reused: the host sees no current index and rebuilds.</summary>
public sealed class LuceneIndexSchemaTests(TempIndexFolder folder) : IClassFixture<TempIndexFolder>
{
    private static readonly SearchSynonyms Other = new() { Groups = [["足球", "英式足球"]] };

    [Fact]
    public async Task AnIndexOfTheSameSchema_IsCurrent_AndKeepsItsDocuments()
    {
        var directory = folder.NewSubfolder();
        Assert.False(IndexSchema.HasCurrentIndex(directory, new SearchSynonyms(), new SearchWords()));
        using (var index = await OpenAsync(directory, new SearchSynonyms())) await index.UpsertAsync(Football);

        Assert.True(IndexSchema.HasCurrentIndex(directory, new SearchSynonyms(), new SearchWords()));
        using var again = await OpenAsync(directory, new SearchSynonyms());
        Assert.Equal(1, (await again.SearchAsync(new OfferingQuery(Now: Now))).Total);
    }

    [Fact]
    public async Task OtherSynonyms_MakeTheIndexStale_AndOpeningStartsAnEmptyGeneration()
    {
        var directory = folder.NewSubfolder();
        using (var index = await OpenAsync(directory, new SearchSynonyms())) await index.UpsertAsync(Football);

        Assert.False(IndexSchema.HasCurrentIndex(directory, Other, new SearchWords()));
        using var reopened = await OpenAsync(directory, Other);
        Assert.Equal(0, (await reopened.SearchAsync(new OfferingQuery(Now: Now))).Total);
        Assert.True(IndexSchema.HasCurrentIndex(directory, Other, new SearchWords()));
    }

    [Fact]
    public async Task OtherKeptWords_MakeTheIndexStale()
    {
        var directory = folder.NewSubfolder();
        using (var index = await OpenAsync(directory, new SearchSynonyms())) await index.UpsertAsync(Football);

        var more = new SearchWords { Words = [.. SearchWords.Default, "龙泉青瓷"] };
        Assert.True(IndexSchema.HasCurrentIndex(directory, new SearchSynonyms(), new SearchWords()));
        Assert.False(IndexSchema.HasCurrentIndex(directory, new SearchSynonyms(), more));
    }

    private static async Task<LuceneOfferingIndex> OpenAsync(string directory, SearchSynonyms synonyms, SearchWords? words = null)
    {
        var index = new LuceneOfferingIndex(Options.Create(new LuceneIndexOptions { Directory = directory, Synonyms = synonyms, Words = words ?? new SearchWords() }));
        await index.InitializeAsync();
        return index;
    }
}
