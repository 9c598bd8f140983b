using Marketplace.Search.Lucene;
using Microsoft.Extensions.Options;

namespace Marketplace.Adapters.Tests.Search;

public sealed class LuceneOfferingIndexTests(TempIndexFolder folder) : OfferingIndexContract, IClassFixture<TempIndexFolder>
{
    protected override async Task<IIndexUnderTest> CreateAsync()
    {
        var index = new LuceneOfferingIndex(Options.Create(new LuceneIndexOptions { Directory = folder.NewSubfolder() }));
        await index.InitializeAsync();
        return new LuceneUnderTest(index);
    }

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
