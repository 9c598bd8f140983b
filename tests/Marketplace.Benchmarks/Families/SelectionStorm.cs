using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Benchmarks.Infrastructure;

namespace Marketplace.Benchmarks.Families;

/// <summary>One guardian's submission: the answer, how many programmes it got, latency (from its scheduled send) and when it came back.</summary>
internal sealed record ApplyOutcome(int Guardian, int Status, string? Code, int Placed, double Ms, double DoneAtMs);

/// <summary>
/// The first-come rush: every guardian on its own keep-alive connection (opened before the clock starts) sends ONE application.
/// <paramref name="spreadMs"/> 0: all released at the same instant (the opening); otherwise each at a fixed random offset within the
/// spread (open loop: latency counts from the scheduled time, so a stall is charged to everyone queued behind it).
/// </summary>
internal static class SelectionStorm
{
    public static async Task<(List<ApplyOutcome>, TimeSpan)> FireAsync(Uri host, Guid windowId, IReadOnlyList<StormGuardian> guardians, int spreadMs)
    {
        var clients = guardians.Select(g => HttpApi.Client(host, g.Token)).ToArray();
        // A storm on a loaded machine can queue answers for minutes: wait up to 10 (bounded) so that the figures are of answers, not of give-ups.
        foreach (var c in clients) c.Timeout = TimeSpan.FromMinutes(10);
        try
        {
            await Task.WhenAll(clients.Select(c => c.GetAsync("health/live")));
            var outcomes = new ConcurrentBag<ApplyOutcome>();
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var t0 = 0L;
            var schedule = new Random(2026);
            var offsets = guardians.Select(_ => spreadMs == 0 ? 0 : schedule.Next(spreadMs)).ToArray();
            var workers = guardians.Select((g, i) => Task.Run(async () =>
            {
                await go.Task;
                var due = Volatile.Read(ref t0) + (long)(offsets[i] / 1000.0 * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
                using var request = new HttpRequestMessage(HttpMethod.Post, $"api/selection-windows/{windowId}/applications")
                {
                    Content = JsonContent.Create(new { pupilId = g.PupilId, choices = g.Choices, acceptedTerms = SelectionStormSetup.Terms, safetyPledge = false },
                        options: HttpApi.Json),
                };
                int status;
                string? code;
                var placed = 0;
                try
                {
                    using var response = await clients[i].SendAsync(request);
                    status = (int)response.StatusCode;
                    (code, placed) = Read(await response.Content.ReadAsStringAsync());
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    (status, code) = (0, e.GetType().Name); // no answer within the client's timeout: counted, never retried
                }
                var done = Stopwatch.GetTimestamp();
                outcomes.Add(new ApplyOutcome(g.Number, status, code, placed, Stopwatch.GetElapsedTime(due, done).TotalMilliseconds,
                    Stopwatch.GetElapsedTime(Volatile.Read(ref t0), done).TotalMilliseconds));
            })).ToArray();
            var wall = Stopwatch.StartNew();
            Volatile.Write(ref t0, Stopwatch.GetTimestamp());
            go.SetResult();
            await Task.WhenAll(workers);
            wall.Stop();
            return ([.. outcomes.OrderBy(o => o.Guardian)], wall.Elapsed);
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
    }

    private static (string? Code, int Placed) Read(string body)
    {
        if (!body.StartsWith('{')) return (body.Length > 80 ? body[..80] : body, 0);
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        if (root.TryGetProperty("placements", out var placements)) return (null, placements.GetArrayLength());
        return (root.TryGetProperty("code", out var code) ? code.GetString() : root.TryGetProperty("title", out var title) ? title.GetString() : null, 0);
    }
}
