using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.E2E.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Marketplace.E2E.Tests.School;

/// <summary>One host for a class of school tests, and the data they need made through the JSON API (as a provider and a bureau would).</summary>
public sealed class SchoolHostFixture : IDisposable
{
    public WebHost Host { get; } = new();

    public void Dispose() => Host.Dispose();

    public Task<HttpClient> ClientForAsync(string username) => new DemoApi(Host).ClientForAsync(username);

    public Task<(Guid OfferingId, Guid[] SessionIds)> OfferingAsync(string title, int capacity, int sessions = 2, long priceFen = 1500, string category = "Science") =>
        new DemoApi(Host).OfferingAsync(title, capacity, sessions, priceFen, category);

    public Task<Guid> BookAsync(string school, Guid sessionId, int pupils) => new DemoApi(Host).BookAsync(school, sessionId, pupils);
}

/// <summary>Data made through a host's JSON API with bearer tokens, as a provider, a bureau and a school would.</summary>
public sealed class DemoApi(WebHost host)
{
    private WebHost Host => host;

    /// <summary>An API client signed in with a bearer token.</summary>
    public async Task<HttpClient> ClientForAsync(string username)
    {
        var client = Host.CreateClient();
        var token = await client.PostAsJsonAsync("/api/auth/token", new { username, password = WebHost.Password });
        token.EnsureSuccessStatusCode();
        var access = (await token.Content.ReadFromJsonAsync<JsonObject>())!["accessToken"]!.GetValue<string>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", access);
        return client;
    }

    /// <summary>
    /// A published offering of provider1 that Beijing schools may book, with sessions on school days from three days ahead
    /// (one a week), each with <paramref name="capacity"/> seats.
    /// </summary>
    public async Task<(Guid OfferingId, Guid[] SessionIds)> OfferingAsync(string title, int capacity, int sessions = 2, long priceFen = 1500, string category = "Science")
    {
        var provider = await ClientForAsync("provider1");
        var body = new
        {
            title, summary = "动手搭建与编程，培养工程思维", description = "每次课 90 分钟：讲解、分组搭建、展示。器材由机构带到学校。",
            category, mode = "OnCampus", grades = new[] { 3, 4, 5, 6 }, minGroup = 1, maxGroup = 40, durationMinutes = 90, priceFen,
            districts = new[] { "110101", "110102", "110105", "110108" }, cancellationCutoffHours = 24,
        };
        var created = await Json(await provider.PostAsJsonAsync("/api/offerings", body));
        var id = created["id"]!.GetValue<Guid>();
        (await provider.PostAsync($"/api/offerings/{id}/submit", null)).EnsureSuccessStatusCode();
        var bureau = await ClientForAsync("bureau-110105");
        (await bureau.PostAsync($"/api/offerings/{id}/approve", null)).EnsureSuccessStatusCode();
        var ids = new List<Guid>();
        for (var i = 0; i < sessions; i++)
        {
            var start = SchoolDay(DateTimeOffset.UtcNow.AddDays(3 + 7 * i));
            var scheduled = await Json(await provider.PostAsJsonAsync($"/api/offerings/{id}/sessions", new { startsAt = start, endsAt = start.AddMinutes(90), capacity }));
            ids.Add(scheduled.AsArray()[0]!["id"]!.GetValue<Guid>());
        }
        return (id, [.. ids]);
    }

    /// <summary>School <paramref name="school"/> books <paramref name="pupils"/> of grade 3 on a session through the API.</summary>
    public async Task<Guid> BookAsync(string school, Guid sessionId, int pupils)
    {
        var client = await ClientForAsync(school);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
        {
            Content = JsonContent.Create(new { sessionId, pupils, grades = new[] { 3 }, contactName = "王老师", contactPhone = "13800001111" }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        return (await Json(await client.SendAsync(request)))["id"]!.GetValue<Guid>();
    }

    /// <summary>
    /// provider1's on-campus offering for grades 1–6 (no lead time) with one 80-minute session at <paramref name="start"/>, booked by
    /// school1 for <paramref name="pupils"/> pupils and confirmed by the provider: a programme school1 holds for a selection window.
    /// </summary>
    public async Task<Guid> ConfirmedBookingAsync(string title, DateTimeOffset start, int pupils = 5)
    {
        var provider = await ClientForAsync("provider1");
        var offering = await Json(await provider.PostAsJsonAsync("/api/offerings", new
        {
            title, summary = "动手搭建与编程，培养工程思维", description = "每次课 80 分钟：讲解、分组搭建、展示。器材由机构带到学校。", category = "Science",
            mode = "OnCampus", grades = new[] { 1, 2, 3, 4, 5, 6 }, minGroup = 1, maxGroup = 40, durationMinutes = 80, priceFen = 1200, minLeadHours = 0,
            districts = new[] { "110101", "110102", "110105", "110108" },
        }));
        var id = offering["id"]!.GetValue<Guid>();
        await Json(await provider.PostAsync($"/api/offerings/{id}/submit", null));
        await Json(await (await ClientForAsync("bureau-110105")).PostAsync($"/api/offerings/{id}/approve", null));
        var session = (await Json(await provider.PostAsJsonAsync($"/api/offerings/{id}/sessions", new { startsAt = start, endsAt = start.AddMinutes(80), capacity = 40 })))
            .AsArray()[0]!["id"]!.GetValue<Guid>();
        var school = await ClientForAsync("school1");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
        {
            Content = JsonContent.Create(new { sessionId = session, pupils, grades = new[] { 1, 2, 3, 4, 5, 6 }, contactName = "王老师", contactPhone = "13800001111" }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        var booking = (await Json(await school.SendAsync(request)))["id"]!.GetValue<Guid>();
        await Json(await provider.PostAsync($"/api/bookings/{booking}/confirm", null));
        return booking;
    }

    /// <summary>Now plus <paramref name="lead"/>, cut to whole seconds (a session that starts while the test runs).</summary>
    public static DateTimeOffset WholeSecondsFromNow(TimeSpan lead)
    {
        var at = DateTimeOffset.UtcNow.Add(lead);
        return at.AddTicks(-(at.Ticks % TimeSpan.TicksPerSecond));
    }

    /// <summary>The answer's JSON (an empty object for an empty body); fails the test with status, request and body otherwise.</summary>
    public static async Task<JsonNode> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    /// <summary>15:40 Beijing time on the day, moved to the next weekday that is no public holiday.</summary>
    private static DateTimeOffset SchoolDay(DateTimeOffset at)
    {
        var day = DateOnly.FromDateTime(at.ToOffset(TimeSpan.FromHours(8)).DateTime);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || Marketplace.Core.Catalog.SchoolCalendar.Default.IsPublicHoliday(day))
            day = day.AddDays(1);
        return new DateTimeOffset(day.ToDateTime(new TimeOnly(15, 40)), TimeSpan.FromHours(8));
    }
}

/// <summary>Keyboard moves the tests make, as a keyboard user would.</summary>
public static class Keys
{
    /// <summary>Presses Tab until the focused element matches <paramref name="selector"/> (at most 80 times).</summary>
    public static async Task TabToAsync(IPage page, string selector)
    {
        for (var i = 0; i < 80; i++)
        {
            if (await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector)) return;
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail($"Tab never reached {selector}");
    }
}
