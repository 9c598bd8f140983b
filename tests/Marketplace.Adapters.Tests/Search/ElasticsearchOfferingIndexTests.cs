using Elastic.Clients.Elasticsearch;
using Elastic.Transport;
using Marketplace.Search.Elasticsearch;
using Microsoft.Extensions.Options;
using static Marketplace.Adapters.Tests.Search.SearchSamples;

namespace Marketplace.Adapters.Tests.Search;

/// <summary>The contract against a real cluster (with analysis-smartcn); skipped, with the reason, when none is configured.</summary>
public sealed class ElasticsearchOfferingIndexTests : OfferingIndexContract
{
    public const string Variable = "MARKETPLACE_TEST_ELASTICSEARCH_URL";

    protected override async Task<IIndexUnderTest> CreateAsync() => await CreateElasticsearchAsync();

    /// <summary>
    /// A removal outlives the delete tombstone: with index.gc_deletes at 0 s a versioned delete is forgotten at once, and an
    /// upsert from an older batch arriving afterwards used to bring the offering back for good.
    /// </summary>
    [SkippableFact]
    public async Task Remove_KeepsRefusingOlderUpserts_AfterTheDeleteTombstoneWouldBeGone()
    {
        await using var sut = await CreateElasticsearchAsync();
        await sut.RequestAsync(Elastic.Transport.HttpMethod.PUT, $"/{sut.Alias}/_settings", """{"index":{"gc_deletes":"0s"}}""");
        await sut.Index.UpsertAsync(Robot with { Version = 3 });

        await sut.Index.RemoveAsync(Robot.Id, 5);
        await sut.RequestAsync(Elastic.Transport.HttpMethod.POST, $"/{sut.Alias}/_refresh");
        await sut.Index.UpsertAsync(Robot with { Version = 4 });

        var query = new Marketplace.Core.Search.OfferingQuery(Now: Now);
        Assert.Equal(0, (await sut.Index.SearchAsync(query)).Total);
        await sut.Index.UpsertAsync(Robot with { Version = 6 });
        Assert.Equal(1, (await sut.Index.SearchAsync(query)).Total);
    }

    /// <summary>The first index is created empty; only a completed rebuild marks it current for later starts.</summary>
    [SkippableFact]
    public async Task Initialize_AsksForARebuild_UntilOneHasFilledTheIndex()
    {
        await using var sut = await CreateElasticsearchAsync(); // created the alias' first index

        using (var restarted = sut.Reopen())
        {
            Assert.True(await restarted.InitializeAsync()); // the first rebuild never ran (or failed): rebuild again
            await restarted.RebuildAsync(new[] { Football }.ToAsyncEnumerable());
        }

        using var later = sut.Reopen();
        Assert.False(await later.InitializeAsync());
        Assert.True(await later.IsHealthyAsync());
    }

    private static async Task<ElasticsearchUnderTest> CreateElasticsearchAsync()
    {
        var url = Environment.GetEnvironmentVariable(Variable);
        Skip.If(string.IsNullOrWhiteSpace(url), $"{Variable} not set (start infra/docker-compose.yml to run)");
        var client = new ElasticsearchClient(new ElasticsearchClientSettings(new Uri(url!)));
        // A private alias per test: its own template, indices and synonyms, removed afterwards.
        var options = new ElasticsearchIndexOptions { Url = url!, IndexAlias = $"offerings-test-{Guid.NewGuid():N}", RefreshOnWrite = true };
        var sut = new ElasticsearchUnderTest(client, options);
        await sut.Index.InitializeAsync();
        return sut;
    }

    private sealed class ElasticsearchUnderTest(ElasticsearchClient client, ElasticsearchIndexOptions options) : IIndexUnderTest
    {
        private readonly ElasticsearchOfferingIndex _index = new(client, Options.Create(options), TimeProvider.System);

        public Marketplace.Core.Search.IOfferingIndex Index => _index;

        public string Alias => options.IndexAlias;

        /// <summary>Another adapter on the same alias, as a restarted or second instance would be.</summary>
        public ElasticsearchOfferingIndex Reopen() => new(client, Options.Create(options), TimeProvider.System);

        public async Task RequestAsync(Elastic.Transport.HttpMethod method, string path, string? body = null)
        {
            var response = await client.Transport.RequestAsync<StringResponse>(
                new EndpointPath(method, path), body is null ? null : PostData.String(body), CancellationToken.None);
            Assert.True(response.ApiCallDetails.HasSuccessfulStatusCode, response.ApiCallDetails.DebugInformation);
        }

        public async ValueTask DisposeAsync()
        {
            // Wildcard deletes are refused by default (action.destructive_requires_name), so delete by name.
            var listed = await client.Transport.RequestAsync<StringResponse>(
                new EndpointPath(Elastic.Transport.HttpMethod.GET, $"/_cat/indices/{Alias}-v*?h=index"), CancellationToken.None);
            foreach (var name in (listed.Body ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                await client.Transport.RequestAsync<StringResponse>(new EndpointPath(Elastic.Transport.HttpMethod.DELETE, $"/{name}"), CancellationToken.None);
            await client.Transport.RequestAsync<StringResponse>(new EndpointPath(Elastic.Transport.HttpMethod.DELETE, $"/_index_template/{Alias}"), CancellationToken.None);
            _index.Dispose();
        }
    }
}
