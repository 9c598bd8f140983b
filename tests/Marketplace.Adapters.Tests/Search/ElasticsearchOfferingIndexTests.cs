using Elastic.Clients.Elasticsearch;
using Elastic.Transport;
using Marketplace.Search.Elasticsearch;
using Microsoft.Extensions.Options;

namespace Marketplace.Adapters.Tests.Search;

/// <summary>The contract against a real cluster (with analysis-smartcn); skipped, with the reason, when none is configured.</summary>
public sealed class ElasticsearchOfferingIndexTests : OfferingIndexContract
{
    public const string Variable = "MARKETPLACE_TEST_ELASTICSEARCH_URL";

    protected override async Task<IIndexUnderTest> CreateAsync()
    {
        var url = Environment.GetEnvironmentVariable(Variable);
        Skip.If(string.IsNullOrWhiteSpace(url), $"{Variable} not set (start infra/docker-compose.yml to run)");
        var client = new ElasticsearchClient(new ElasticsearchClientSettings(new Uri(url!)));
        // A private alias per test: its own template, indices and synonyms, removed afterwards.
        var options = new ElasticsearchIndexOptions { Url = url!, IndexAlias = $"offerings-test-{Guid.NewGuid():N}", RefreshOnWrite = true };
        var index = new ElasticsearchOfferingIndex(client, Options.Create(options), TimeProvider.System);
        await index.InitializeAsync();
        return new ElasticsearchUnderTest(index, client, options.IndexAlias);
    }

    private sealed class ElasticsearchUnderTest(ElasticsearchOfferingIndex index, ElasticsearchClient client, string alias) : IIndexUnderTest
    {
        public Marketplace.Core.Search.IOfferingIndex Index => index;

        public async ValueTask DisposeAsync()
        {
            // Wildcard deletes are refused by default (action.destructive_requires_name), so delete by name.
            var listed = await client.Transport.RequestAsync<StringResponse>(
                new EndpointPath(Elastic.Transport.HttpMethod.GET, $"/_cat/indices/{alias}-v*?h=index"), CancellationToken.None);
            foreach (var name in (listed.Body ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                await client.Transport.RequestAsync<StringResponse>(new EndpointPath(Elastic.Transport.HttpMethod.DELETE, $"/{name}"), CancellationToken.None);
            await client.Transport.RequestAsync<StringResponse>(new EndpointPath(Elastic.Transport.HttpMethod.DELETE, $"/_index_template/{alias}"), CancellationToken.None);
            index.Dispose();
        }
    }
}
