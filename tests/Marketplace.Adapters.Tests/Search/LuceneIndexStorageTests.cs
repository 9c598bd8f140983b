using Marketplace.Core.Search;
using Marketplace.Search.Lucene;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Marketplace.Adapters.Tests.Search.SearchSamples;

namespace Marketplace.Adapters.Tests.Search;

/// <summary>What only the embedded adapter has: its folder, its pointer file and durable commits.</summary>
public sealed class LuceneIndexStorageTests(TempIndexFolder folder) : IClassFixture<TempIndexFolder>
{
    [Fact]
    public async Task Reopening_TheFolder_KeepsAcknowledgedWrites()
    {
        var path = folder.NewSubfolder();
        using (var first = Open(path))
        {
            await first.UpsertAsync(Robot);
            await first.UpsertAsync(Football);
            await first.RemoveAsync(Football.Id, Football.Version + 1);
        }

        using var second = Open(path);
        var result = await second.SearchAsync(new OfferingQuery(Now: Now));

        Assert.Equal([Robot.Id], result.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task Rebuild_PointsCurrentAtTheNewGeneration_AndDeletesTheOld()
    {
        var path = folder.NewSubfolder();
        using var index = Open(path);
        await index.InitializeAsync();
        var before = File.ReadAllText(Path.Combine(path, "current"));

        await index.RebuildAsync(All.ToAsyncEnumerable());

        var after = File.ReadAllText(Path.Combine(path, "current"));
        Assert.NotEqual(before, after);
        Assert.Equal([after], Directory.GetDirectories(path).Select(Path.GetFileName));
        Assert.Equal(All.Count, (await index.SearchAsync(new OfferingQuery(Now: Now))).Total);
    }

    [Fact]
    public async Task Rebuild_ThatFails_LeavesTheLiveIndexUntouched()
    {
        var path = folder.NewSubfolder();
        using var index = Open(path);
        await index.UpsertAsync(Robot);

        await Assert.ThrowsAsync<InvalidOperationException>(() => index.RebuildAsync(Failing()));

        Assert.Equal(1, (await index.SearchAsync(new OfferingQuery(Now: Now))).Total);
        Assert.Single(Directory.GetDirectories(path));
    }

    [Fact]
    public async Task Search_WhileWritesRunConcurrently_NeverFails()
    {
        using var index = Open(folder.NewSubfolder());
        var writes = Task.WhenAll(All.Select(o => Task.Run(() => index.UpsertAsync(o))));
        var reads = Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => index.SearchAsync(new OfferingQuery(Text: "编程", Now: Now)))));

        await Task.WhenAll(writes, reads);

        Assert.Equal(All.Count, (await index.SearchAsync(new OfferingQuery(Now: Now))).Total);
        Assert.True(index.LastRefreshMs >= 0);
    }

    [Fact]
    public void Registration_IsASingleton_AndRequiresAFolder()
    {
        var services = new ServiceCollection().AddLuceneOfferingIndex(_ => { });

        Assert.Equal(ServiceLifetime.Singleton, services.Single(d => d.ServiceType == typeof(IOfferingIndex)).Lifetime);
        var error = Assert.Throws<OptionsValidationException>(() => RegisteredOptions.Create<LuceneIndexOptions>(services));
        Assert.Contains("Directory", error.Message, StringComparison.Ordinal);
    }

    private static LuceneOfferingIndex Open(string path) => new(Options.Create(new LuceneIndexOptions { Directory = path }));

    private static async IAsyncEnumerable<OfferingDocument> Failing()
    {
        yield return Coding;
        await Task.Yield();
        throw new InvalidOperationException("store went away mid-rebuild");
    }
}

/// <summary>The store history the embedded index records (issue 17): in each commit's user data, so it is durable with the writes.</summary>
public sealed class LuceneWatermarkTests(TempIndexFolder folder) : IClassFixture<TempIndexFolder>
{
    [Fact]
    public async Task Watermark_CarriesTheRebuildsEpoch_AndTheHighestCursorWritten_AcrossAReopen()
    {
        var path = folder.NewSubfolder();
        using (var index = Open(path))
        {
            await index.InitializeAsync();
            Assert.Equal(new IndexWatermark(null, 0), await index.GetWatermarkAsync()); // never filled: another history than any store's

            await index.RebuildAsync(All.Select(d => d with { Version = 5 }).ToAsyncEnumerable(), "epoch-1");
            Assert.Equal(new IndexWatermark("epoch-1", 5), await index.GetWatermarkAsync());
            await index.UpsertAsync(Robot with { Version = 8 });
            await index.RemoveAsync(Football.Id, 9); // a removal's cursor counts too
            await index.UpsertAsync(Coding with { Version = 7 }); // lower: the watermark stays
        }

        using var reopened = Open(path);
        Assert.Equal(new IndexWatermark("epoch-1", 9), await reopened.GetWatermarkAsync());
        var listed = await reopened.ListAsync().ToListAsync();
        Assert.Equal(All.Count - 1, listed.Count);
        Assert.Equal(8, listed.Single(o => o.Id == Robot.Id).Version);
        Assert.Equal(Robot.Sessions.Select(s => s.FreeSeats), listed.Single(o => o.Id == Robot.Id).Sessions.Select(s => s.FreeSeats));
    }

    private static LuceneOfferingIndex Open(string path) => new(Options.Create(new LuceneIndexOptions { Directory = path }));
}
