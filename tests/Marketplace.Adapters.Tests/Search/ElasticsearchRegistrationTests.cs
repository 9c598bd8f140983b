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
    public void Registration_AcceptsAnHttpUrl_AndRegistersOneSingletonIndex()
    {
        var services = new ServiceCollection().AddElasticsearchOfferingIndex(o => o.Url = "http://localhost:9200");

        var options = RegisteredOptions.Create<ElasticsearchIndexOptions>(services);

        Assert.Equal("offerings", options.IndexAlias);
        Assert.Equal(ServiceLifetime.Singleton, services.Single(d => d.ServiceType == typeof(IOfferingIndex)).Lifetime);
    }
}
