using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Hardening;

/// <summary>
/// Issue 10 #5: query enums by defined name only, no comma lists, no repeats, no unknown parameters on list endpoints —
/// each a 400 naming the parameter, with no framework text.
/// </summary>
public class QueryStringTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    [Theory]
    [InlineData("/api/bookings?district=110105", "district")]
    [InlineData("/api/bookings?schoolId=0195e0a4-0000-7000-8000-000000000000", "schoolId")]
    [InlineData("/api/bookings?status=1", "status")]
    [InlineData("/api/bookings?status=99", "status")]
    [InlineData("/api/bookings?status=Requested,Confirmed", "status")]
    [InlineData("/api/bookings?status=Requested&status=Confirmed", "status")]
    [InlineData("/api/bookings?status=%20Requested", "status")]
    [InlineData("/api/bookings?limit=abc", "limit")]
    [InlineData("/api/bookings?offeringId=not-a-guid", "offeringId")]
    [InlineData("/api/bookings?before=1", "before")]
    [InlineData("/api/events?after=abc", "after")]
    [InlineData("/api/events?cursor=3", "cursor")]
    [InlineData("/api/districts?city=北京", "city")]
    public async Task School_BadListParameter_Is400NamingIt(string url, string field)
    {
        var school = await factory.ClientForAsync("school3");
        var problem = await (await school.GetAsync(url)).AssertProblemAsync(400, field);
        Assert.DoesNotContain("Marketplace.", problem.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("parameter \\u0022", problem.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/offerings?status=2", "status")]
    [InlineData("/api/offerings?status=Draft,Published", "status")]
    [InlineData("/api/offerings?providerId=0195e0a4-0000-7000-8000-000000000000", "providerId")]
    [InlineData("/api/providers?status=0", "status")]
    [InlineData("/api/providers?status=Pending&status=Approved", "status")]
    [InlineData("/api/providers?district=110105", "district")]
    public async Task Bureau_BadListParameter_Is400NamingIt(string url, string field)
    {
        var bureau = await factory.ClientForAsync("bureau-110105");
        await (await bureau.GetAsync(url)).AssertProblemAsync(400, field);
    }

    [Theory]
    [InlineData("category=Arts,Sports", "category")]
    [InlineData("category=Arts&category=Sports", "category")]
    [InlineData("category=1", "category")]
    [InlineData("mode=OnCampus,OffCampus", "mode")]
    [InlineData("sort=3", "sort")]
    [InlineData("q=编程&q=机器人", "q")]
    public async Task Search_CommaListsRepeatsAndNumbers_Are400NamingTheParameter(string query, string field) =>
        await (await factory.CreateClient().GetAsync("/api/search/offerings?" + query)).AssertProblemAsync(400, field);

    [Fact]
    public async Task EnumNames_AreReadInAnyCase_AndOnlyThatStatusIsListed()
    {
        var bureau = await factory.ClientForAsync("bureau-330102");
        var pending = (await bureau.GetJsonAsync("/api/providers?status=pending")).AsArray();
        Assert.Equal("Pending", Assert.Single(pending)!["status"]!.GetValue<string>()); // provider20, the one pending in 上城 (330102)

        var arts = (await factory.CreateClient().GetJsonAsync("/api/search/offerings?category=arts&pageSize=100"))["items"]!.AsArray();
        Assert.NotEmpty(arts);
        Assert.All(arts, o => Assert.Equal("Arts", o!["category"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AnEmptyValue_IsTheSameAsNotGivingTheParameter()
    {
        var school = await factory.ClientForAsync("school3");
        Assert.Equal(HttpStatusCode.OK, (await school.GetAsync("/api/bookings?status=&offeringId=")).StatusCode);
    }

    [Fact]
    public async Task ListParameters_AndBodyNumbers_AreTypedInOpenApi()
    {
        var doc = await factory.CreateClient().GetJsonAsync("/openapi/v1.json");
        var parameters = doc["paths"]!["/api/offerings"]!["get"]!["parameters"]!.AsArray().ToDictionary(p => p!["name"]!.GetValue<string>(), p => p!["schema"]!);
        Assert.Contains("Published", parameters["status"]["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("integer", parameters["limit"]["type"]!.GetValue<string>());
        Assert.Equal("uuid", parameters["after"]["format"]!.GetValue<string>());
        var lat = doc["components"]!["schemas"]!["VenueInput"]!["properties"]!["lat"]!["type"]!;
        Assert.Contains("number", lat is JsonArray list ? list.Select(t => t!.GetValue<string>()) : [lat.GetValue<string>()]);
    }
}
