using System.Net;
using System.Text.Json;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Hardening;

/// <summary>Issue 10 #1: a non-finite number anywhere in a body is a 400 naming the field, and nothing is written.</summary>
public class NonFiniteNumberTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    /// <summary>The demo offering body with one coordinate replaced by raw JSON text.</summary>
    private static StringContent OfferingWith(string field, string rawValue)
    {
        var body = JsonSerializer.SerializeToNode(Demo.OfferingBody("非有限坐标测试课"), Json.Options)!;
        body["venue"]![field] = JsonNode.Parse(rawValue); // kept as sent: 1e400 stays 1e400
        return new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
    }

    [Theory]
    [InlineData("lat", "\"NaN\"")]
    [InlineData("lat", "\"Infinity\"")]
    [InlineData("lon", "\"-Infinity\"")]
    [InlineData("lon", "\"NaN\"")]
    [InlineData("lat", "1e400")]
    [InlineData("lon", "\"1e400\"")]
    public async Task Create_WithANonFiniteCoordinate_Is400NamingIt_AndWritesNothing(string field, string raw)
    {
        var provider = await factory.ClientForAsync("provider6");
        var before = (await provider.GetJsonAsync("/api/offerings?limit=500")).AsArray().Count;

        var response = await provider.PostAsync("/api/offerings", OfferingWith(field, raw));

        await response.AssertProblemAsync(400, "venue." + field);
        Assert.Equal(before, (await provider.GetJsonAsync("/api/offerings?limit=500")).AsArray().Count);
    }

    [Fact]
    public async Task Edit_WithNaN_Is400_AndTheOfferingKeepsItsVersion()
    {
        var provider = await factory.ClientForAsync("provider6");
        var created = await provider.PostJsonAsync("/api/offerings", Demo.OfferingBody("非有限坐标编辑课"));
        var id = (await created.ReadJsonAsync())["id"]!.GetValue<Guid>();
        var etag = created.Headers.ETag!.Tag;

        using var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/offerings/{id}") { Content = OfferingWith("lat", "\"NaN\"") };
        edit.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(etag));
        await (await provider.SendAsync(edit)).AssertProblemAsync(400, "venue.lat");

        var after = await provider.GetAsync($"/api/offerings/{id}");
        Assert.Equal(etag, after.Headers.ETag!.Tag);
        Assert.Equal(39.99, (await after.ReadJsonAsync())["venue"]!["lat"]!.GetValue<double>());
    }

    [Fact]
    public async Task FiniteCoordinates_AsNumbersOrNumericStrings_AreStillAccepted()
    {
        var provider = await factory.ClientForAsync("provider6");
        Assert.Equal(HttpStatusCode.Created, (await provider.PostAsync("/api/offerings", OfferingWith("lat", "\"39.5\""))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await provider.PostAsync("/api/offerings", OfferingWith("lon", "116.25"))).StatusCode);
    }

    [Theory]
    [InlineData("lat=NaN&lon=116.4")]
    [InlineData("lat=39.9&lon=Infinity")]
    [InlineData("lat=39.9&lon=116.4&radiusKm=1e400")]
    public async Task Search_WithANonFiniteNumber_Is400NamingIt(string query)
    {
        var field = query.Split('&').First(p => p.Contains("NaN") || p.Contains("Infinity") || p.Contains("e400")).Split('=')[0];
        await (await factory.CreateClient().GetAsync("/api/search/offerings?" + query)).AssertProblemAsync(400, field);
    }
}
