using Marketplace.Api.Configuration;
using Microsoft.Extensions.Configuration;

namespace Marketplace.Api.Tests.Hardening;

/// <summary>Marketplace:MaxRequestBodyBytes and Marketplace:MetricsAllowedNetworks: defaults, and a bad value names the key.</summary>
public class HardeningSettingsTests
{
    private static MarketplaceSettings Load(params (string Key, string Value)[] values) => MarketplaceSettings.Load(
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build(), isDevelopment: true);

    [Fact]
    public void Defaults_Are256KB_AndLoopbackOnly()
    {
        var settings = Load();
        Assert.Equal(256 * 1024, settings.MaxRequestBodyBytes);
        Assert.Equal(["127.0.0.0/8", "::1/128"], settings.MetricsAllowedNetworks.Select(n => n.ToString()));
    }

    [Fact]
    public void ConfiguredValues_AreRead()
    {
        var settings = Load(("Marketplace:MaxRequestBodyBytes", "1048576"), ("Marketplace:MetricsAllowedNetworks", "10.1.0.0/16, 192.168.1.7"));
        Assert.Equal(1_048_576, settings.MaxRequestBodyBytes);
        Assert.Equal(["10.1.0.0/16", "192.168.1.7/32"], settings.MetricsAllowedNetworks.Select(n => n.ToString()));
    }

    [Theory]
    [InlineData("Marketplace:MaxRequestBodyBytes", "256KB", "Marketplace:MaxRequestBodyBytes must be a whole number of bytes")]
    [InlineData("Marketplace:MaxRequestBodyBytes", "100", "Marketplace:MaxRequestBodyBytes must be a whole number of bytes, at least 1024")]
    [InlineData("Marketplace:MetricsAllowedNetworks", "127.0.0.1, prometheus", "Marketplace:MetricsAllowedNetworks: 'prometheus' is neither an IP address")]
    public void ABadValue_StopsTheStart_NamingTheKey(string key, string value, string expected)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Load((key, value)));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
