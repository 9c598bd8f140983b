using Marketplace.Core.Search;
using Marketplace.Search.Elasticsearch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Adapters.Tests.Search;

public sealed class ElasticsearchRegistrationTests
{
    [Theory]
    [InlineData("")]
    [InlineData("localhost:9200")]
    [InlineData("ftp://elasticsearch:9200")]
    public void Registration_RefusesAMissingOrNonHttpUrl_NamingTheSetting(string url)
    {
        var services = new ServiceCollection().AddElasticsearchOfferingIndex(o => o.Url = url);

        var error = Assert.Throws<OptionsValidationException>(() => RegisteredOptions.Create<ElasticsearchIndexOptions>(services));

        Assert.Contains("Marketplace:Elasticsearch:Url", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registration_RefusesANonPositiveTimeoutOrANegativeRetryCount()
    {
        Assert.Throws<OptionsValidationException>(() => RegisteredOptions.Create<ElasticsearchIndexOptions>(
            new ServiceCollection().AddElasticsearchOfferingIndex(o => { o.Url = "http://localhost:9200"; o.BulkTimeout = TimeSpan.Zero; })));
        Assert.Throws<OptionsValidationException>(() => RegisteredOptions.Create<ElasticsearchIndexOptions>(
            new ServiceCollection().AddElasticsearchOfferingIndex(o => { o.Url = "http://localhost:9200"; o.BulkRetries = -1; })));
    }

    [Fact]
    public void Registration_ClientFallsBackToTheWriteTimeout_NotOneShortTimeoutForEverything()
    {
        var services = new ServiceCollection().AddElasticsearchOfferingIndex(o => o.Url = "http://localhost:9200");
        var options = Options.Create(RegisteredOptions.Create<ElasticsearchIndexOptions>(services));
        var factory = services.Single(d => d.ServiceType == typeof(Elastic.Clients.Elasticsearch.ElasticsearchClient)).ImplementationFactory!;

        var client = (Elastic.Clients.Elasticsearch.ElasticsearchClient)factory(new OneService(options));

        Assert.Equal(TimeSpan.FromSeconds(10), client.ElasticsearchClientSettings.RequestTimeout);
    }

    private sealed class OneService(object service) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType.IsInstanceOfType(service) ? service : null;
    }

    [Fact]
    public void Registration_AcceptsAnHttpUrl_AndRegistersOneSingletonIndex()
    {
        var services = new ServiceCollection().AddElasticsearchOfferingIndex(o => o.Url = "http://localhost:9200");

        var options = RegisteredOptions.Create<ElasticsearchIndexOptions>(services);

        Assert.Equal("offerings", options.IndexAlias);
        Assert.Equal(ServiceLifetime.Singleton, services.Single(d => d.ServiceType == typeof(IOfferingIndex)).Lifetime);
    }
}
