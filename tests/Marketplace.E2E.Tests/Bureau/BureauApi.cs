using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.E2E.Tests.Infrastructure;

namespace Marketplace.E2E.Tests.Bureau;

/// <summary>Test data the demo lacks, made through the JSON API as a provider would (a bearer token, then the endpoints).</summary>
internal static class BureauApi
{
    public static async Task<HttpClient> ClientForAsync(WebHost host, string username)
    {
        var client = host.CreateClient();
        var token = await client.PostAsJsonAsync("/api/auth/token", new { username, password = WebHost.Password });
        token.EnsureSuccessStatusCode();
        var body = await token.Content.ReadFromJsonAsync<JsonObject>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body!["accessToken"]!.GetValue<string>());
        return client;
    }

    /// <summary>provider1 (home 朝阳 110105) creates an offering the 学科类 screening flags, with its justification, and submits it.</summary>
    public static async Task<Guid> SubmitFlaggedOfferingAsync(WebHost host, string title, string justification)
    {
        var provider = await ClientForAsync(host, "provider1");
        var created = await provider.PostAsJsonAsync("/api/offerings", new
        {
            title, summary = "动手做实验，看得见的科学", category = "Science", mode = "OnCampus", grades = new[] { 3, 4, 5 }, minGroup = 5,
            maxGroup = 30, durationMinutes = 90, priceFen = 500, districts = new[] { "110105" }, screeningJustification = justification,
        });
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        (await provider.PostAsync($"/api/offerings/{id}/submit", null)).EnsureSuccessStatusCode();
        return id;
    }
}
