using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Core.Catalog;
using Marketplace.Core.Shared;
using Marketplace.E2E.Tests.Infrastructure;

namespace Marketplace.E2E.Tests.Provider;

/// <summary>One host for the provider workspace's tests, and the JSON API as the other parties (schools, bureaus) use it.</summary>
public sealed class ProviderHost : IDisposable
{
    public WebHost Host { get; } = new();

    /// <summary>A client of the JSON API signed in with a bearer token.</summary>
    public async Task<HttpClient> ApiAsync(string username)
    {
        var client = new HttpClient { BaseAddress = new Uri(Host.BaseUrl) };
        var response = await client.PostAsJsonAsync("/api/auth/token", new { username, password = WebHost.Password });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonObject>())!["accessToken"]!.GetValue<string>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A published on-campus offering of provider1 for the Beijing districts (approved by 朝阳's bureau) with one session 3 days ahead.</summary>
    public async Task<(Guid OfferingId, Guid SessionId)> FreshSessionAsync(string title = "校园足球训练营")
    {
        var provider = await ApiAsync("provider1");
        var body = new
        {
            title, summary = "基础技术与团队配合", category = "Sports", mode = "OnCampus", grades = new[] { 1, 2, 3, 4, 5, 6 },
            minGroup = 1, maxGroup = 40, durationMinutes = 90, priceFen = 500, districts = new[] { "110101", "110102", "110105", "110108" },
            cancellationCutoffHours = 24,
        };
        var offering = await ReadAsync(await provider.PostAsJsonAsync("/api/offerings", body));
        var id = offering["id"]!.GetValue<Guid>();
        (await provider.PostAsync($"/api/offerings/{id}/submit", null)).EnsureSuccessStatusCode();
        (await (await ApiAsync("bureau-110105")).PostAsync($"/api/offerings/{id}/approve", null)).EnsureSuccessStatusCode();
        var start = SchoolDay(DateTimeOffset.UtcNow.AddHours(72));
        var sessions = await ReadAsync(await provider.PostAsJsonAsync($"/api/offerings/{id}/sessions", new { startsAt = start, endsAt = start.AddHours(1.5), capacity = 40 }));
        return (id, sessions.AsArray()[0]!["id"]!.GetValue<Guid>());
    }

    /// <summary>school1 (东城) asks for seats on the session; returns the booking's id.</summary>
    public async Task<Guid> BookAsync(Guid sessionId, int pupils = 20)
    {
        var school = await ApiAsync("school1");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
        {
            Content = JsonContent.Create(new { sessionId, pupils, grades = new[] { 3 }, contactName = "李老师", contactPhone = "13900001111", note = "三年级二班" }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        return (await ReadAsync(await school.SendAsync(request)))["id"]!.GetValue<Guid>();
    }

    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>The instant, or whole days later when its Beijing date is a public holiday (no single session may be scheduled on one).</summary>
    public static DateTimeOffset SchoolDay(DateTimeOffset at)
    {
        while (SchoolCalendar.Default.IsPublicHoliday(ChinaTime.DateOf(at))) at = at.AddDays(1);
        return at;
    }

    public void Dispose() => Host.Dispose();
}
