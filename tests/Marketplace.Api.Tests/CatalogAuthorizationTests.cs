using System.Net.Http.Json;
using System.Net;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests;

/// <summary>Every catalog endpoint × role × organisation: never 200 for someone who may not act.</summary>
public class CatalogAuthorizationTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private async Task<HttpClient> As(string? user) => user is null ? factory.CreateClient() : await factory.ClientForAsync(user);

    private async Task<(Guid Offering, Guid Session, string ETag)> Provider1DraftAsync()
    {
        var owner = await factory.ClientForAsync("provider1");
        var response = await owner.PostJsonAsync("/api/offerings", Demo.OfferingBody("围棋启蒙（草稿）"));
        var id = (await response.ReadJsonAsync())["id"]!.GetValue<Guid>();
        var start = Demo.SchoolDay(DateTimeOffset.UtcNow.AddDays(20));
        var sessions = (await (await owner.PostJsonAsync($"/api/offerings/{id}/sessions", new { startsAt = start, endsAt = start.AddHours(1), capacity = 10 })).ReadJsonAsync()).AsArray();
        return (id, sessions[0]!["id"]!.GetValue<Guid>(), response.Headers.ETag!.Tag);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("school1", HttpStatusCode.Forbidden)]
    [InlineData("provider2", HttpStatusCode.NotFound)]
    [InlineData("bureau-110105", HttpStatusCode.Forbidden)]
    [InlineData("city-1101", HttpStatusCode.Forbidden)]
    public async Task OthersCannotChangeAProvidersOffering(string? user, HttpStatusCode expected)
    {
        var (offering, session, etag) = await Provider1DraftAsync();
        var client = await As(user);
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/offerings/{offering}") { Content = JsonContent.Create(Demo.OfferingBody("改名")) };
        put.Headers.TryAddWithoutValidation("If-Match", etag);
        var start = Demo.SchoolDay(DateTimeOffset.UtcNow.AddDays(30));
        var attempts = new[]
        {
            await client.SendAsync(put),
            await client.PostJsonAsync($"/api/offerings/{offering}/submit", null),
            await client.PostJsonAsync($"/api/offerings/{offering}/pause", null),
            await client.PostJsonAsync($"/api/offerings/{offering}/archive", null),
            await client.PostJsonAsync($"/api/offerings/{offering}/sessions", new { startsAt = start, endsAt = start.AddHours(1), capacity = 5 }),
            await client.PostJsonAsync($"/api/offerings/{offering}/sessions/{session}/cancel", new { reason = "x" }),
            await client.DeleteAsync($"/api/offerings/{offering}/sessions/{session}"),
        };
        Assert.All(attempts, r => Assert.Equal(expected, r.StatusCode));
        var owner = await factory.ClientForAsync("provider1");
        var unchanged = await owner.GetJsonAsync($"/api/offerings/{offering}");
        Assert.Equal("Draft", unchanged["status"]!.GetValue<string>());
        Assert.Single((await owner.GetJsonAsync($"/api/offerings/{offering}/sessions")).AsArray());
    }

    [Theory]
    [InlineData(null, HttpStatusCode.NotFound)]
    [InlineData("school1", HttpStatusCode.NotFound)]
    [InlineData("provider2", HttpStatusCode.NotFound)]
    [InlineData("provider1", HttpStatusCode.OK)]
    [InlineData("bureau-110105", HttpStatusCode.OK)]
    [InlineData("bureau-110101", HttpStatusCode.OK)]
    [InlineData("city-1101", HttpStatusCode.OK)]
    [InlineData("bureau-330106", HttpStatusCode.NotFound)]
    [InlineData("city-3301", HttpStatusCode.NotFound)]
    public async Task DraftsAndTheirSessions_AreVisibleOnlyToOwnerAndBureau(string? user, HttpStatusCode expected)
    {
        var (offering, _, _) = await Provider1DraftAsync();
        var client = await As(user);
        Assert.Equal(expected, (await client.GetAsync($"/api/offerings/{offering}")).StatusCode);
        Assert.Equal(expected, (await client.GetAsync($"/api/offerings/{offering}/sessions")).StatusCode);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("school1", HttpStatusCode.Forbidden)]
    [InlineData("provider1", HttpStatusCode.Forbidden)]
    public async Task OnlyTheBureauReviews(string? user, HttpStatusCode expected)
    {
        var (offering, _, _) = await Provider1DraftAsync();
        await (await factory.ClientForAsync("provider1")).PostJsonAsync($"/api/offerings/{offering}/submit", null);
        var client = await As(user);
        Assert.Equal(expected, (await client.PostJsonAsync($"/api/offerings/{offering}/approve", null)).StatusCode);
        Assert.Equal(expected, (await client.PostJsonAsync($"/api/offerings/{offering}/reject", new { reason = "x" })).StatusCode);
        Assert.Equal(expected, (await client.GetAsync("/api/providers")).StatusCode);
    }

    /// <summary>
    /// Who may vet, review, block and list, for two district bureaus, a city bureau, a school, a provider and the anonymous:
    /// a provider registered in 东城 (110101) only; provider1's offering, whose home district is 朝阳 (110105) and which is
    /// approved in all four Beijing districts. The city bureau reads everything of its districts and decides nothing.
    /// </summary>
    [Theory]
    //          user              vet  review block providers offerings bookings
    [InlineData("bureau-110101", 200, 403, 200, 200, 200, 200)]
    [InlineData("bureau-110105", 403, 200, 200, 200, 200, 200)]
    [InlineData("city-1101", 403, 403, 403, 200, 200, 200)]
    [InlineData("school1", 403, 403, 403, 403, 403, 200)]
    [InlineData("provider2", 403, 403, 403, 403, 200, 200)]
    [InlineData(null, 401, 401, 401, 401, 401, 401)]
    public async Task TheMatrix_VetReviewBlockAndLists_ByBureauLevelAndDistrict(string? user, int vet, int review, int block, int providers, int offerings, int bookings)
    {
        var registered = await RegisterIn110101Async();
        var (submitted, _, _) = await Provider1DraftAsync();
        await (await factory.ClientForAsync("provider1")).PostJsonAsync($"/api/offerings/{submitted}/submit", null);
        var (published, _, _) = await Provider1DraftAsync();
        await (await factory.ClientForAsync("provider1")).PostJsonAsync($"/api/offerings/{published}/submit", null);
        (await (await factory.ClientForAsync("bureau-110105")).PostJsonAsync($"/api/offerings/{published}/approve", null)).EnsureSuccessStatusCode();
        var client = await As(user);

        Assert.Equal(vet, (int)(await client.PostJsonAsync($"/api/providers/{registered}/approve", new { note = "材料齐全" })).StatusCode);
        Assert.Equal(review, (int)(await client.PostJsonAsync($"/api/offerings/{submitted}/approve", null)).StatusCode);
        Assert.Equal(block, (int)(await client.PostJsonAsync($"/api/offerings/{published}/block", new { reason = "家长投诉，暂停在本区展示" })).StatusCode);
        Assert.Equal(providers, (int)(await client.GetAsync("/api/providers")).StatusCode);
        Assert.Equal(offerings, (int)(await client.GetAsync("/api/offerings")).StatusCode);
        Assert.Equal(bookings, (int)(await client.GetAsync("/api/bookings")).StatusCode);
    }

    /// <summary>A city bureau reads its districts' providers, offerings and bookings, lists and details, and every write is 403.</summary>
    [Fact]
    public async Task TheCityBureau_ReadsItsDistricts_AndEveryDecisionIs403()
    {
        var city = await factory.ClientForAsync("city-1101");
        var registered = await RegisterIn110101Async();
        var (draft, _, _) = await Provider1DraftAsync();
        var (_, _, sessionId) = await BookingTests.FreshSessionAsync(factory, 20);
        var booking = await ProviderSuspensionTests.BookAsync(await factory.ClientForAsync("school1"), sessionId, 2, "city-reads-0001");

        Assert.Contains((await city.GetJsonAsync("/api/providers?status=Pending")).AsArray(), p => p!["id"]!.GetValue<Guid>() == registered);
        Assert.Equal("110101", (await city.GetJsonAsync($"/api/providers/{registered}"))["homeDistrict"]!.GetValue<string>());
        Assert.Equal("Draft", (await city.GetJsonAsync($"/api/offerings/{draft}"))["status"]!.GetValue<string>());
        Assert.Contains((await city.GetJsonAsync("/api/offerings?limit=500")).AsArray(), o => o!["id"]!.GetValue<Guid>() == draft);
        Assert.Contains((await city.GetJsonAsync("/api/bookings")).AsArray(), b => b!["id"]!.GetValue<Guid>() == booking);
        Assert.Equal(HttpStatusCode.OK, (await city.GetAsync($"/api/bookings/{booking}")).StatusCode);
        // Another city's bureau sees none of it.
        var hangzhou = await factory.ClientForAsync("city-3301");
        Assert.Equal(HttpStatusCode.NotFound, (await hangzhou.GetAsync($"/api/providers/{registered}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await hangzhou.GetAsync($"/api/bookings/{booking}")).StatusCode);

        var provider1 = await factory.OrganizationOfAsync("provider1");
        foreach (var (url, body) in new (string, object?)[]
        {
            ($"/api/providers/{registered}/approve", new { note = "x", district = "110101" }), ($"/api/providers/{registered}/reject", new { reason = "x" }),
            ($"/api/providers/{provider1}/suspend", new { reason = "x", district = "110101" }), ($"/api/offerings/{draft}/approve", null),
            ($"/api/offerings/{draft}/reject", new { reason = "x" }), ($"/api/offerings/{draft}/block", new { reason = "x" }), ($"/api/offerings/{draft}/unblock", null),
            ("/api/admin/search/rebuild", null),
        })
            Assert.True((await city.PostJsonAsync(url, body)).StatusCode == HttpStatusCode.Forbidden, url);
        Assert.Equal("Pending", (await city.GetJsonAsync($"/api/providers/{registered}"))["status"]!.GetValue<string>());
    }

    private async Task<Guid> RegisterIn110101Async()
    {
        var body = Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var first17 = "91110101" + body + Marketplace.Core.Catalog.CreditCode.OrganizationCheckDigit(body);
        var registered = await factory.CreateClient().PostJsonAsync("/api/providers", new
        {
            name = "北京市东城区青少年书法协会", kind = "SocialOrganization", creditCode = first17 + Marketplace.Core.Catalog.CreditCode.CheckCharacter(first17),
            contactName = "孙老师", contactPhone = "13912345678", districts = new[] { "110101" }, username = "shufa-" + body, password = "Shufa@2026",
        });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        return (await registered.ReadJsonAsync())["id"]!.GetValue<Guid>();
    }

    [Fact]
    public async Task SchoolPlan_IsTheSchoolsOwn_ReadByItsDistrictAndCityBureaus()
    {
        var schoolId = await factory.OrganizationOfAsync("school1");
        var school = await factory.ClientForAsync("school1");
        var plan = await school.GetJsonAsync($"/api/schools/{schoolId}/plans/2026-2027-1");
        Assert.Equal(4, plan["targetCategories"]!.AsArray().Count);
        var saved = await school.PutAsJsonAsync($"/api/schools/{schoolId}/plans/2026-2027-2", new
        {
            targetCategories = new[] { "Science", "Labour" },
            windows = new[] { new { dayOfWeek = "Wednesday", start = "15:30", end = "17:00" } },
            pupilsExpected = new Dictionary<string, int> { ["Science"] = 80 }, budgetFen = 1_200_000,
        });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await factory.ClientForAsync("bureau-110101")).GetAsync($"/api/schools/{schoolId}/plans/2026-2027-2")).StatusCode);
        // The city bureau reads its districts' schools and plans; it writes none, and another city's bureau or district learns nothing.
        var city = await factory.ClientForAsync("city-1101");
        Assert.Equal(HttpStatusCode.OK, (await city.GetAsync($"/api/schools/{schoolId}/plans/2026-2027-2")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await city.GetAsync($"/api/schools/{schoolId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await city.PutAsJsonAsync($"/api/schools/{schoolId}/plans/2026-2027-2",
            new { targetCategories = new[] { "Science" }, budgetFen = 0 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await factory.ClientForAsync("city-3301")).GetAsync($"/api/schools/{schoolId}/plans/2026-2027-2")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await factory.ClientForAsync("bureau-110102")).GetAsync($"/api/schools/{schoolId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await factory.ClientForAsync("school2")).GetAsync($"/api/schools/{schoolId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await factory.ClientForAsync("provider1")).GetAsync($"/api/schools/{schoolId}/plans/2026-2027-1")).StatusCode);
        var nullWindow = await school.PutAsync($"/api/schools/{schoolId}/plans/2026-2027-2",
            new StringContent("""{"targetCategories":["Science"],"windows":[null],"budgetFen":0}""", System.Text.Encoding.UTF8, "application/json"));
        await nullWindow.AssertProblemAsync(400, "windows");
        var bad = await school.PutAsJsonAsync($"/api/schools/{schoolId}/plans/autumn", new { targetCategories = Array.Empty<string>(), budgetFen = -1 });
        var problem = await bad.AssertProblemAsync(400, "semester");
        Assert.NotNull(problem["errors"]!["budgetFen"]);
    }
}
