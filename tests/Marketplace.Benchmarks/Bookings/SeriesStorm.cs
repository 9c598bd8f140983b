using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Benchmarks.Infrastructure;

namespace Marketplace.Benchmarks.Bookings;

/// <summary>One series request's fate: the answer, its series and how many sessions it booked, and how long it took.</summary>
internal sealed record SeriesOutcome(int Client, string Host, int Status, string? Code, Guid? SeriesId, int Booked, int Unbooked, int Pupils, double Ms);

/// <summary>Many schools post a series each, all released together; client c books sessions [c mod 7, c mod 7 + span).</summary>
internal static class SeriesStorm
{
    public static async Task<List<SeriesOutcome>> FireAsync(
        HostProcess[] hosts, (int School, string Token)[] schools, Guid offeringId, Guid[] sessionIds, int clientCount, int span, int pupils, bool allowPartial)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var clients = Enumerable.Range(0, clientCount)
            .Select(c => (Host: hosts[c % hosts.Length], School: schools[c % schools.Length]))
            .Select(c => (c.Host.Name, c.School.School, Http: HttpApi.Client(c.Host.BaseAddress, c.School.Token)))
            .ToArray();
        try
        {
            await Task.WhenAll(clients.Select(c => c.Http.GetAsync("health/live"))); // open every connection before the clock starts
            var outcomes = new ConcurrentBag<SeriesOutcome>();
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var workers = clients.Select((client, c) => Task.Run(async () =>
            {
                await go.Task;
                var first = Math.Min(c % 7, Math.Max(0, sessionIds.Length - span));
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/booking-series")
                {
                    Content = JsonContent.Create(new
                    {
                        offeringId, sessionIds = sessionIds.Skip(first).Take(span).ToArray(), pupils, grades = new[] { CatalogSetup.GradeFor(client.School) },
                        className = "压测班", contactName = "课后服务负责人", contactPhone = "13800138000", allowPartial,
                    }, options: HttpApi.Json),
                };
                request.Headers.Add("Idempotency-Key", $"bench-series-{run}-{c}");
                var started = Stopwatch.GetTimestamp();
                using var response = await client.Http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                using var doc = body.StartsWith('{') ? JsonDocument.Parse(body) : null;
                var root = doc?.RootElement;
                var created = (int)response.StatusCode == 201 && root is { } r;
                outcomes.Add(new SeriesOutcome(c, client.Name, (int)response.StatusCode,
                    root is { } e && e.TryGetProperty("code", out var code) ? code.GetString() : null,
                    created ? root!.Value.GetProperty("id").GetGuid() : null,
                    created ? root!.Value.GetProperty("sessions").GetArrayLength() : 0,
                    created ? root!.Value.GetProperty("unbooked").GetArrayLength() : 0, pupils, ms));
            })).ToArray();
            go.SetResult();
            await Task.WhenAll(workers);
            return [.. outcomes.OrderBy(o => o.Client)];
        }
        finally
        {
            foreach (var c in clients) c.Http.Dispose();
        }
    }
}
