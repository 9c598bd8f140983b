using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Api.Tests.Settlement;
using Marketplace.Core.Families;
using Marketplace.Core.Families.RollCall;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests.Families;

/// <summary>The settlement host (bookings and deliveries on a clock the test moves) whose roll calls read the same clock, and
/// whose code sender records the guardians' SMS codes.</summary>
public sealed class RollCallFactory : SettlementClockFactory
{
    public RecordingCodeSender Codes { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<ICodeSender>(Codes);
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<RollCallCommands>(sp, (TimeProvider)Clock));
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<RollCallQueries>(sp, (TimeProvider)Clock));
        });
    }
}

/// <summary>A school3 class of pupils whose guardians activated and consented, a confirmed booking of them, its session started.</summary>
internal sealed record RollCallClass(HttpClient School, HttpClient Provider, Guid BookingId, IReadOnlyList<Guid> Pupils, IReadOnlyList<HttpClient> Guardians)
{
    private static int _phones;

    /// <summary><paramref name="consented"/> of the <paramref name="pupils"/> have a guardian's consent (the first ones).</summary>
    public static async Task<RollCallClass> CreateAsync(RollCallFactory factory, string key, int pupils = 3, int? consented = null, bool start = true)
    {
        await SettlementFlowTests.PolicySetAsync(factory);
        var (provider, sessionId, startsAt) = await SettlementFlowTests.SessionAsync(factory);
        var school = await factory.ClientForAsync("school3");
        var schoolId = await factory.OrganizationOfAsync("school3");
        var rows = Enumerable.Range(0, pupils).Select(i =>
        {
            var n = Interlocked.Increment(ref _phones);
            return new[] { $"点名{key}{i}", "3", "2班", $"家长{key}{i}", $"1371111{n:D4}", "" };
        }).ToArray();
        var report = await (await Roster.ImportAsync(school, schoolId, Roster.CsvOf(rows), dryRun: false)).AssertStatusAsync(200);
        var roster = (await school.GetJsonAsync($"/api/schools/{schoolId}/pupils?limit=500")).AsArray();
        var ids = rows.Select(r => roster.Single(p => p!["name"]!.GetValue<string>() == r[0])!["id"]!.GetValue<Guid>()).ToList();
        var guardians = new List<HttpClient>();
        for (var i = 0; i < pupils; i++)
        {
            var activation = report["activations"]!.AsArray().Single(a => a!["phone"]!.GetValue<string>() == rows[i][4])!;
            var guardian = Roster.WithToken(factory, await RosterActivateAsync(factory, rows[i][4], activation["code"]!.GetValue<string>()));
            if (i < (consented ?? pupils))
                await (await guardian.PostJsonAsync($"/api/guardian/children/{ids[i]}/consent", new { textVersion = ConsentText.Version })).AssertStatusAsync(200);
            guardians.Add(guardian);
        }
        var booking = await (await school.SendAsync(SettlementFlowTests.Book(sessionId, $"rollcall-{key}", pupils, hardship: 0))).AssertStatusAsync(201);
        var id = booking["id"]!.GetValue<Guid>();
        await (await provider.PostJsonAsync($"/api/bookings/{id}/confirm", null)).AssertStatusAsync(200);
        await (await school.PutAsJsonAsync($"/api/bookings/{id}/pupils", new { pupilIds = ids })).AssertStatusAsync(200);
        if (start && factory.Clock.GetUtcNow() < startsAt.AddMinutes(81)) factory.Clock.SetUtcNow(startsAt.AddMinutes(81));
        return new RollCallClass(school, provider, id, ids, guardians);
    }

    private static async Task<JsonNode> RosterActivateAsync(RollCallFactory factory, string phone, string activationCode)
    {
        var anonymous = factory.CreateClient();
        await (await anonymous.PostJsonAsync("/api/guardian/activation/code", new { phone, activationCode })).AssertStatusAsync(202);
        var phoneCode = factory.Codes.LastTo(phone)!;
        return await (await anonymous.PostJsonAsync("/api/guardian/activate", new { phone, activationCode, phoneCode, password = "Family#2026" })).AssertStatusAsync(200);
    }

    public string Url => $"/api/bookings/{BookingId}/roll-call";

    public static object Marks(params (Guid Pupil, bool Present)[] marks) => new { marks = marks.Select(m => new { pupilId = m.Pupil, present = m.Present }) };
}
