using System.Net.Http.Json;
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
        foreach (var name in new[] { "q", "category", "mode", "grade", "district", "lat", "lon", "radiusKm", "from", "to", "maxPrice", "available", "sort", "page", "pageSize", "weekday", "startAfter", "endBefore", "fitsPlan" })
        {
            Assert.True(search.ContainsKey(name), $"search parameter {name} is not declared");
            Assert.NotNull(search[name]["schema"]!["type"]);
        }
        Assert.Equal("integer", search["grade"]["schema"]!["type"]!.GetValue<string>());
        Assert.Contains("Distance", search["sort"]["schema"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        var key = paths["/api/bookings"]!["post"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "Idempotency-Key")!;
        Assert.True(key["required"]!.GetValue<bool>());
    }

    [Fact]
    public async Task EveryOperation_DeclaresIts4xx_AsProblemDetails()
    {
        var paths = (await DocumentAsync())["paths"]!.AsObject();
        var wrong = new List<string>();
        foreach (var (path, item) in paths)
            foreach (var (method, operation) in item!.AsObject())
            {
                var responses = operation!["responses"]!.AsObject();
                foreach (var (status, response) in responses.Where(r => r.Key.StartsWith('4')))
                {
                    var content = response!["content"]?.AsObject();
                    var shape = content?["application/problem+json"]?["schema"]?["$ref"]?.GetValue<string>();
                    var expected = status == "400" ? "#/components/schemas/HttpValidationProblemDetails" : "#/components/schemas/ProblemDetails";
                    if (content?.Count != 1 || shape != expected) wrong.Add($"{method} {path} {status}: {content?.ToJsonString()}");
                    if (string.IsNullOrEmpty(response["description"]?.GetValue<string>()) || !response["description"]!.GetValue<string>().Contains("/ ", StringComparison.Ordinal))
                        wrong.Add($"{method} {path} {status}: no bilingual description");
                }
                if (operation["security"] is not null && !responses.ContainsKey("401")) wrong.Add($"{method} {path}: needs a token but declares no 401");
                if (path.Contains('{', StringComparison.Ordinal) && !responses.ContainsKey("404")) wrong.Add($"{method} {path}: has an id but declares no 404");
                if (operation["requestBody"] is not null && !(responses.ContainsKey("400") && responses.ContainsKey("413") && responses.ContainsKey("415")))
                    wrong.Add($"{method} {path}: takes a body but does not declare 400, 413 and 415");
            }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));

        string[] Statuses(string path, string method) => [.. paths[path]![method]!["responses"]!.AsObject().Select(r => r.Key)];
        Assert.Equal(["201", "400", "401", "403", "409", "413", "415"], Statuses("/api/offerings", "post"));
        Assert.Equal(["200", "404"], Statuses("/api/offerings/{id}", "get"));
        Assert.Equal(["200", "400", "401", "403", "404", "409", "412", "413", "415", "428"], Statuses("/api/offerings/{id}", "put"));
        Assert.Equal(["201", "400", "409", "413", "415", "429"], Statuses("/api/providers", "post"));
        Assert.Equal(["200", "400", "401", "413", "415", "429"], Statuses("/api/auth/token", "post"));
        Assert.Contains("422", Statuses("/api/bookings", "post"));
        var ifMatch = paths["/api/offerings/{id}"]!["put"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "If-Match")!;
        Assert.Equal(("header", true), (ifMatch["in"]!.GetValue<string>(), ifMatch["required"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task TheDescription_LinksTheHubDocument_WhichTheHostServes()
    {
        var document = await DocumentAsync();
        Assert.Contains("[docs/realtime.md](/docs/realtime.md)", document["info"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("/docs/realtime.md", document["externalDocs"]!["url"]!.GetValue<string>());
        var response = await factory.CreateClient().GetAsync("/docs/realtime.md");
        Assert.Equal("text/markdown", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("WatchOffering", text, StringComparison.Ordinal);
        Assert.Contains("availabilityChanged", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestExamples_AreChinese_AndAccepted_AsAJourney()
    {
        var paths = (await DocumentAsync())["paths"]!;
        JsonNode Example(string path) => paths[path]!["post"]!["requestBody"]!["content"]!["application/json"]!["example"]!.DeepClone();

        var registration = Example("/api/providers");
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", registration["name"]!.GetValue<string>());
        await (await factory.CreateClient().PostJsonAsync("/api/providers", registration)).AssertStatusAsync(201);

        var provider = await factory.ClientForAsync("provider1");
        var offering = Example("/api/offerings");
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", offering["title"]!.GetValue<string>());
        var id = (await (await provider.PostJsonAsync("/api/offerings", offering)).AssertStatusAsync(201))["id"]!.GetValue<Guid>();
        var sessions = (await (await provider.PostJsonAsync($"/api/offerings/{id}/sessions", Example("/api/offerings/{offeringId}/sessions"))).AssertStatusAsync(201)).AsArray();
        await provider.PostJsonAsync($"/api/offerings/{id}/submit", null);
        await (await (await factory.ClientForAsync("bureau-110105")).PostJsonAsync($"/api/offerings/{id}/approve", null)).AssertStatusAsync(200);

        var booking = Example("/api/bookings");
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", booking["contactName"]!.GetValue<string>());
        booking["sessionId"] = sessions[0]!["id"]!.GetValue<Guid>(); // the example's session is made up
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = JsonContent.Create(booking) };
        request.Headers.Add("Idempotency-Key", "example-booking-0001");
        await (await (await factory.ClientForAsync("school1")).SendAsync(request)).AssertStatusAsync(201); // school1 is in 东城区 (110101)
    }

    [Fact]
    public async Task AGeneratedCSharpClient_IsTyped_Compiles_AndTalksToTheHost()
    {
        var json = await factory.CreateClient().GetStringAsync("/openapi/v1.json");
        var assembly = GeneratedClient.Compile(GeneratedClient.Generate(json));

        var untyped = GeneratedClient.UntypedMembers(assembly).Where(m => m != "FeedItem.Payload").ToList(); // a payload's shape depends on its type (docs/realtime.md)
        Assert.True(untyped.Count == 0, "the generator fell back to object for: " + string.Join(", ", untyped));
        var client = assembly.GetType($"{GeneratedClient.Namespace}.MarketplaceClient")!;
        foreach (var (operation, result) in new[]
        {
            ("IssueToken", "TokenResponse"), ("RegisterProvider", "ProviderDto"), ("ApproveProvider", "ProviderDto"), ("CreateOffering", "OfferingDto"),
            ("ListOfferings", "ICollection`1[OfferingDto]"), ("ApproveOffering", "OfferingDto"), ("RejectOffering", "OfferingDto"),
            ("ScheduleSessions", "ICollection`1[SessionDto]"), ("ListSessions", "ICollection`1[SessionDto]"), ("SearchOfferings", "SearchResponse"),
            ("CreateBooking", "BookingView"), ("ListBookings", "ICollection`1[BookingView]"), ("ConfirmBooking", "BookingView"), ("ReadEvents", "FeedPage"),
        })
        {
            var method = client.GetMethods().FirstOrDefault(m => m.Name == operation + "Async" && m.GetParameters().Last().ParameterType == typeof(CancellationToken));
            Assert.True(method is not null, $"the generated client has no {operation}Async");
            Assert.Equal($"Task`1[{result}]", GeneratedClient.ShortName(method.ReturnType));
        }

        // The generated client reads real answers: +08:00 times, enums by name, a 404 as a typed problem.
        using var http = factory.CreateClient();
        var search = await GeneratedClient.CallAsync(client, http, "SearchOfferings", ("q", "机器人"));
        Assert.True((long)search!.GetType().GetProperty("Total")!.GetValue(search)! > 0);
        var offering = (System.Collections.IEnumerable)search.GetType().GetProperty("Items")!.GetValue(search)!;
        var first = offering.Cast<object>().First();
        var id = (Guid)first.GetType().GetProperty("Id")!.GetValue(first)!;
        var sessions = (System.Collections.IEnumerable)(await GeneratedClient.CallAsync(client, http, "ListSessions", ("offeringId", id)))!;
        var session = sessions.Cast<object>().First();
        Assert.Equal(TimeSpan.FromHours(8), ((DateTimeOffset)session.GetType().GetProperty("StartsAt")!.GetValue(session)!).Offset);
        Assert.Equal("Scheduled", session.GetType().GetProperty("Status")!.GetValue(session)!.ToString());
        var missing = await Assert.ThrowsAnyAsync<Exception>(() => GeneratedClient.CallAsync(client, http, "GetOffering", ("id", Guid.NewGuid())));
        Assert.Equal("ApiException`1[ProblemDetails]", GeneratedClient.ShortName(missing.GetType()));
        Assert.Equal(404, missing.GetType().GetProperty("StatusCode")!.GetValue(missing));
    }
}
