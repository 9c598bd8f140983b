using Marketplace.Core.Search;
using Marketplace.Search.Lucene;
using Microsoft.Extensions.Options;
using static Marketplace.Adapters.Tests.Search.SearchSamples;

namespace Marketplace.Adapters.Tests.Search;

/// <summary>An index written with another mapping or other synonyms is not reused: the host sees no current index and rebuilds.</summary>
public sealed class LuceneIndexSchemaTests(TempIndexFolder folder) : IClassFixture<TempIndexFolder>
{
    private static readonly SearchSynonyms Other = new() { Groups = [["足球", "英式足球"]] };

    [Fact]
    public async Task AnIndexOfTheSameSchema_IsCurrent_AndKeepsItsDocuments()
    {
        var directory = folder.NewSubfolder();
        Assert.False(IndexSchema.HasCurrentIndex(directory, new SearchSynonyms()));
        using (var index = await OpenAsync(directory, new SearchSynonyms())) await index.UpsertAsync(Football);

        Assert.True(IndexSchema.HasCurrentIndex(directory, new SearchSynonyms()));
        using var again = await OpenAsync(directory, new SearchSynonyms());
        Assert.Equal(1, (await again.SearchAsync(new OfferingQuery(Now: Now))).Total);
    }

    [Fact]
    public async Task OtherSynonyms_MakeTheIndexStale_AndOpeningStartsAnEmptyGeneration()
    {
        var directory = folder.NewSubfolder();
        using (var index = await OpenAsync(directory, new SearchSynonyms())) await index.UpsertAsync(Football);

        Assert.False(IndexSchema.HasCurrentIndex(directory, Other));
        using var reopened = await OpenAsync(directory, Other);
        Assert.Equal(0, (await reopened.SearchAsync(new OfferingQuery(Now: Now))).Total);
        Assert.True(IndexSchema.HasCurrentIndex(directory, Other));
    }

    private static async Task<LuceneOfferingIndex> OpenAsync(string directory, SearchSynonyms synonyms)
    {
        var index = new LuceneOfferingIndex(Options.Create(new LuceneIndexOptions { Directory = directory, Synonyms = synonyms }));
        await index.InitializeAsync();
        return index;
    }
}
