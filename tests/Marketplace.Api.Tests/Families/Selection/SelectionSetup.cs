using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Marketplace.Api.Auth;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Families;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests.Families.Selection;

/// <summary>A guardian made for a test: its client (signed in), its user id and its one child.</summary>
internal sealed record TestGuardian(HttpClient Client, Guid UserId, Guid PupilId);

/// <summary>Programmes booked and confirmed through the API, families written straight to the store (hundreds, without SMS codes).</summary>
internal static class SelectionSetup
{
    /// <summary>A fresh session of provider1 (<paramref name="hoursAhead"/> from now), booked by <paramref name="school"/> for
    /// <paramref name="pupils"/> pupils and confirmed: a programme the school can put in a window. The booking's id.</summary>
    public static async Task<Guid> ConfirmedBookingAsync(MarketplaceFactory factory, string school, int pupils, int hoursAhead)
    {
        var (provider, _, sessionId) = await BookingTests.FreshSessionAsync(factory, pupils, hoursAhead: hoursAhead);
        var client = await factory.ClientForAsync(school);
        var booking = await (await client.SendAsync(BookingTests.Book(sessionId, pupils, [2, 3, 4], Guid.NewGuid().ToString("N")))).AssertStatusAsync(201);
        var id = booking["id"]!.GetValue<Guid>();
        await (await provider.PostJsonAsync($"/api/bookings/{id}/confirm", null)).AssertStatusAsync(200);
        return id;
    }

    /// <summary>A guardian with one child in the school (grade 3), consented or not, with a token issued for it.</summary>
    public static async Task<TestGuardian> GuardianAsync(MarketplaceFactory factory, string school, int n, bool consented = true, bool hardship = false,
        string className = "1班")
    {
        var store = factory.Services.GetRequiredService<IMarketplaceStore>();
        var schoolId = await factory.OrganizationOfAsync(school);
        var record = (await store.FindAsync<School>(schoolId))!;
        var now = DateTimeOffset.UtcNow;
        var phone = $"137{n:D8}";
        var user = User.DemoGuardian($"sel-guardian-{n}", "unused", phone, $"家长{n}");
        var pupil = Pupil.Create(schoolId, record.DistrictCode, $"学生{n}", 3, className, user.Id, phone, hardship, now);
        if (consented) pupil.Consent(user.Id, ConsentText.Version, now);
        await store.CommitAsync(new StoreChanges().Insert(user).Insert(pupil));
        var token = factory.Services.GetRequiredService<TokenIssuer>().Issue(user, []);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        return new TestGuardian(client, user.Id, pupil.Id);
    }

    public static object Window(string mode, object[] programmes, int cap = 1, string[]? priority = null, bool pledge = false) => new
    {
        title = "2026 秋季课后服务选课", opensAt = DateTimeOffset.UtcNow.AddMinutes(-1), closesAt = DateTimeOffset.UtcNow.AddDays(3), mode, capPerPupil = cap,
        weights = new Dictionary<string, int> { ["hardship"] = 3 }, priorityFlags = priority ?? [], termsVersion = "terms-2026-09",
        safetyPledgeRequired = pledge, programmes,
    };

    public static object Apply(Guid pupilId, params Guid[] choices) => new { pupilId, choices, acceptedTerms = "terms-2026-09", safetyPledge = false };

    public static Guid Id(this JsonNode node, string field = "id") => node[field]!.GetValue<Guid>();
}
