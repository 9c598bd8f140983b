using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.Json;

namespace Marketplace.Api.Tests.Infrastructure;

public static class Json
{
    public static async Task<JsonNode> ReadJsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("empty body");

    public static async Task<JsonNode> GetJsonAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"GET {url} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    /// <summary>
    /// The caller's change feed (<c>GET /api/events</c>) from <paramref name="after"/> to its end, every page (at most 1,000), and
    /// the cursor to read on from.
    /// </summary>
    public static async Task<(List<JsonNode?> Items, long Next)> ReadFeedAsync(this HttpClient client, long after = 0)
    {
        var items = new List<JsonNode?>();
        for (var pages = 0; pages < 1000; pages++)
        {
            var page = await client.GetJsonAsync($"/api/events?after={after}");
            var batch = page["items"]!.AsArray();
            if (batch.Count == 0) return (items, after);
            items.AddRange(batch.Select(i => i?.DeepClone()));
            after = page["next"]!.GetValue<long>();
        }
        throw new InvalidOperationException($"the change feed did not end within 1,000 pages (at {after})");
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object? body) =>
        client.PostAsJsonAsync(url, body ?? new { });

    /// <summary>Asserts the status (showing the body when it differs) and returns the JSON body.</summary>
    public static async Task<JsonNode> AssertStatusAsync(this HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("empty body");
    }

    /// <summary>Asserts an RFC 9457 problem with the status and, for validation problems, the named field.</summary>
    public static async Task<JsonNode> AssertProblemAsync(this HttpResponseMessage response, int status, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(text)!;
        Assert.Equal(status, body["status"]!.GetValue<int>());
        Assert.NotNull(body["title"]);
        if (field is not null)
            Assert.True(body["errors"]?[field] is not null, $"expected an error for '{field}' in {text}");
        return body;
    }

    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
