using System.Net.Http.Json;
using System.Text;
using Marketplace.Api.Auth;
using Marketplace.Benchmarks.Infrastructure;
using Marketplace.Core.Families;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.Benchmarks.Families;

/// <summary>A guardian of the storm: its bearer token, its child and the child's ranked choices.</summary>
internal sealed record StormGuardian(int Number, string Token, Guid PupilId, int Grade, Guid[] Choices);

/// <summary>
/// The storm's set-up, not timed: programmes booked and confirmed through the API the way a school and a provider make them, and
/// the school's pupils with one signed-in guardian each written straight into the host's SQLite file through the store port (the
/// roster import and 2,000 activations by SMS code are not what is measured). Tokens are issued with the host's signing key.
/// </summary>
internal static class SelectionStormSetup
{
    public const string Terms = "bench-terms-2026";

    /// <summary>
    /// <paramref name="count"/> programmes of <paramref name="seats"/> seats: two offerings of count/2 sessions on the same school
    /// days at the same hour, so programme i and i + count/2 overlap; each session booked in full by the school and confirmed.
    /// </summary>
    public static async Task<Guid[]> ConfirmedBookingsAsync(HttpClient provider, HttpClient bureau, HttpClient school, int count, int seats, int firstDay, string title)
    {
        var half = Math.Max(1, count / 2);
        var a = await CatalogSetup.CreateOfferingAsync(provider, bureau, title + " A", half, seats, firstDay);
        var b = await CatalogSetup.CreateOfferingAsync(provider, bureau, title + " B", count - half, seats, firstDay);
        var ids = new List<Guid>();
        foreach (var sessionId in a.SessionIds.Concat(b.SessionIds))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/bookings")
            {
                Content = JsonContent.Create(new
                {
                    sessionId, pupils = seats, grades = new[] { 1, 2, 3, 4, 5, 6 }, contactName = "课后服务负责人", contactPhone = "13800138000",
                }, options: HttpApi.Json),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            using var response = await school.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode != 201) throw new BenchmarkFailedException($"booking a programme answered {(int)response.StatusCode}: {text}");
            var id = System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
            await HttpApi.PostAsync(provider, $"api/bookings/{id}/confirm", null);
            ids.Add(id);
        }
        return [.. ids];
    }

    /// <summary>
    /// <paramref name="count"/> pupils of the school (grades 1–6, eight classes a grade, 8% hardship), each with its own guardian
    /// (consented), written in commits of 500; each guardian ranks three programmes, popular ones more often (weight 1/(i+3)).
    /// </summary>
    public static async Task<List<StormGuardian>> FamiliesAsync(string database, string signingKey, Guid schoolId, int first, int count, Guid[] programmes,
        int choices)
    {
        await using var services = new ServiceCollection().AddSqliteStore(o => o.DatabasePath = database).BuildServiceProvider();
        var store = services.GetRequiredService<IMarketplaceStore>();
        var school = await store.FindAsync<School>(schoolId) ?? throw new BenchmarkFailedException($"school {schoolId} not found in {database}");
        var issuer = new TokenIssuer(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        var guardians = new List<StormGuardian>(count);
        var changes = new StoreChanges();
        for (var n = first; n < first + count; n++)
        {
            var random = new Random(1818 + n);
            var phone = $"139{n:D8}";
            var user = User.DemoGuardian($"storm-guardian-{n}", "unused", phone, $"压测家长{n}");
            var grade = 1 + n % 6;
            var pupil = Pupil.Create(schoolId, school.DistrictCode, $"压测学生{n}", grade, $"{1 + n / 6 % 8}班", user.Id, phone, random.Next(100) < 8, now);
            pupil.Consent(user.Id, ConsentText.Version, now);
            changes.Insert(user).Insert(pupil);
            var picked = new List<Guid>(choices);
            while (picked.Count < Math.Min(choices, programmes.Length))
            {
                var p = programmes[Popular(random, programmes.Length)];
                if (!picked.Contains(p)) picked.Add(p);
            }
            guardians.Add(new StormGuardian(n, issuer.Issue(user, []).AccessToken, pupil.Id, grade, [.. picked]));
            if (guardians.Count % 250 == 0)
            {
                await store.CommitAsync(changes);
                changes = new StoreChanges();
            }
        }
        if (guardians.Count % 250 != 0) await store.CommitAsync(changes);
        return guardians;
    }

    private static int Popular(Random random, int n)
    {
        var total = Enumerable.Range(0, n).Sum(i => 1.0 / (i + 3));
        var x = random.NextDouble() * total;
        for (var i = 0; i < n; i++) if ((x -= 1.0 / (i + 3)) <= 0) return i;
        return n - 1;
    }
}
