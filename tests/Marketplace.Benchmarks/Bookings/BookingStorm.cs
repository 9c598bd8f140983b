using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Marketplace.Benchmarks.Infrastructure;

namespace Marketplace.Benchmarks.Bookings;

/// <summary>One booking request's fate: who sent it where, the answer, how long it took and when it came back.</summary>
internal sealed record Outcome(int Request, Guid SessionId, string Host, int Status, string? Code, double Ms, double DoneAtMs);

/// <summary>Many schools at once: each client sends its share of the requests back to back, all released together.</summary>
internal static class BookingStorm
{
    /// <summary>Request r goes to session r mod sessions, from client r mod clients; client c uses school c mod schools on host c mod hosts.</summary>
    public static async Task<(List<Outcome>, TimeSpan)> FireAsync(HostProcess[] hosts, (int Number, string Token)[] schools, Guid[] sessionIds, int requests, int clientCount)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var clients = Enumerable.Range(0, clientCount)
            .Select(c => (Host: hosts[c % hosts.Length], School: schools[c % schools.Length]))
            .Select(c => (c.Host.Name, School: c.School.Number, Http: HttpApi.Client(c.Host.BaseAddress, c.School.Token)))
            .ToArray();
        try
        {
            // Open every connection before the clock starts.
            await Task.WhenAll(clients.Select(c => c.Http.GetAsync("health/live")));
            var outcomes = new ConcurrentBag<Outcome>();
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var t0 = 0L;
            var workers = clients.Select((client, c) => Task.Run(async () =>
            {
                await go.Task;
                for (var r = c; r < requests; r += clientCount)
                {
                    var sessionId = sessionIds[r % sessionIds.Length];
                    using var request = new HttpRequestMessage(HttpMethod.Post, "api/bookings")
                    {
                        Content = JsonContent.Create(new
                        {
                            sessionId, pupils = 1, grades = new[] { CatalogSetup.GradeFor(client.School) }, contactName = "课后服务负责人", contactPhone = "13800138000",
                        }, options: HttpApi.Json),
                    };
                    request.Headers.Add("Idempotency-Key", $"bench-{run}-{r}");
                    var started = Stopwatch.GetTimestamp();
                    using var response = await client.Http.SendAsync(request);
                    var body = await response.Content.ReadAsStringAsync();
                    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    outcomes.Add(new Outcome(r, sessionId, client.Name, (int)response.StatusCode, CodeOf(body), ms, Stopwatch.GetElapsedTime(Volatile.Read(ref t0)).TotalMilliseconds));
                }
            })).ToArray();
            var wall = Stopwatch.StartNew();
            Volatile.Write(ref t0, Stopwatch.GetTimestamp());
            go.SetResult();
            await Task.WhenAll(workers);
            wall.Stop();
            return ([.. outcomes.OrderBy(o => o.Request)], wall.Elapsed);
        }
        finally
        {
            foreach (var c in clients) c.Http.Dispose();
        }
    }

    private static string? CodeOf(string body)
    {
        if (!body.StartsWith('{')) return body.Length > 80 ? body[..80] : body;
        using var doc = System.Text.Json.JsonDocument.Parse(body);
        return doc.RootElement.TryGetProperty("code", out var code) ? code.GetString()
            : doc.RootElement.TryGetProperty("title", out var title) ? title.GetString() : null;
    }
}
