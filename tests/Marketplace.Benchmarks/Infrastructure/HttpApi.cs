using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Marketplace.Benchmarks.Infrastructure;

/// <summary>Small HTTP helpers for the set-up steps (login, create, approve); the measured loops use HttpClient directly.</summary>
internal static class HttpApi
{
    public const string DemoPassword = "Demo@2026";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>One client = one keep-alive connection (SocketsHttpHandler and Kestrel both set TCP_NODELAY by default).</summary>
    public static HttpClient Client(Uri baseAddress, string? token = null)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(120) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task<string> LoginAsync(Uri baseAddress, string username, string password = DemoPassword)
    {
        using var http = Client(baseAddress);
        var body = await SendAsync(http, HttpMethod.Post, "api/auth/token", new { username, password });
        return body.GetProperty("accessToken").GetString()!;
    }

    public static Task<JsonElement> PostAsync(HttpClient http, string path, object? body) => SendAsync(http, HttpMethod.Post, path, body ?? new { });

    public static Task<JsonElement> GetAsync(HttpClient http, string path) => SendAsync(http, HttpMethod.Get, path, null);

    private static async Task<JsonElement> SendAsync(HttpClient http, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new BenchmarkFailedException($"{method} {path} answered {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
