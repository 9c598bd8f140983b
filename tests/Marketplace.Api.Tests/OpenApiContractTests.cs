using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests;

/// <summary>/openapi/v1.json is enough to generate a typed client (issue 11).</summary>
public class OpenApiContractTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private async Task<JsonNode> DocumentAsync() => await factory.CreateClient().GetJsonAsync("/openapi/v1.json");

    [Fact]
    public async Task EverySchema_IsTyped_AndEveryEnumListsItsValues()
    {
        var schemas = (await DocumentAsync())["components"]!["schemas"]!.AsObject();
        var untyped = schemas.Where(s => s.Value!.AsObject().Count == 0).Select(s => s.Key).ToList();
        Assert.True(untyped.Count == 0, "untyped schemas: " + string.Join(", ", untyped));
        foreach (var name in new[] { "ProviderKind", "Category", "DeliveryMode", "BookingStatus", "OfferingStatus", "ProviderStatus", "SessionStatus" })
        {
            var schema = schemas[name]!;
            Assert.Equal("string", schema["type"]!.GetValue<string>());
            Assert.NotEmpty(schema["enum"]!.AsArray());
        }
        Assert.Contains("Clubs", schemas["Category"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task TheBearerScheme_IsDeclared_OnOperationsThatNeedAToken_AndNotOnAnonymousOnes()
    {
        var doc = await DocumentAsync();
        Assert.Equal("bearer", doc["components"]!["securitySchemes"]!["Bearer"]!["scheme"]!.GetValue<string>());
        var paths = doc["paths"]!;
        Assert.NotNull(paths["/api/bookings"]!["post"]!["security"]);
        Assert.NotNull(paths["/api/providers"]!["get"]!["security"]);
        Assert.Null(paths["/api/search/offerings"]!["get"]!["security"]);
        Assert.Null(paths["/api/auth/token"]!["post"]!["security"]);
    }

    [Fact]
    public async Task SearchParameters_AndTheIdempotencyKey_AreDeclared()
    {
        var paths = (await DocumentAsync())["paths"]!;
        var search = paths["/api/search/offerings"]!["get"]!["parameters"]!.AsArray().ToDictionary(p => p!["name"]!.GetValue<string>(), p => p!);
        foreach (var name in new[] { "q", "category", "mode", "grade", "district", "lat", "lon", "radiusKm", "from", "to", "maxPrice", "available", "sort", "page", "pageSize" })
        {
            Assert.True(search.ContainsKey(name), $"search parameter {name} is not declared");
            Assert.NotNull(search[name]["schema"]!["type"]);
        }
        Assert.Equal("integer", search["grade"]["schema"]!["type"]!.GetValue<string>());
        Assert.Contains("Distance", search["sort"]["schema"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        var key = paths["/api/bookings"]!["post"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "Idempotency-Key")!;
        Assert.True(key["required"]!.GetValue<bool>());
    }
}
