using System.Net.Http.Json;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests.Accounts;

/// <summary>Issue 12: the administrator creates and updates districts by their GB/T 2260 county-level code; each change is
/// published as DistrictChanged and audited.</summary>
public class DistrictAdminTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private static object Body(string code, int? travelLimitKm = null, double? lat = null, double? lon = null) =>
        new { code, name = "测试区", city = "北京市", province = "北京市", travelLimitKm, lat, lon };

    [Theory]
    [InlineData("000000")] // no province
    [InlineData("990101")] // 99 is no province
    [InlineData("110001")] // city part 00: a province
    [InlineData("110100")] // county part 00: a city
    [InlineData("11010")]
    [InlineData("1101011")]
    [InlineData("11010a")]
    [InlineData("１１０１９９")] // full-width digits
    [InlineData("110199\n")]
    [InlineData("")]
    public async Task ACodeThatIsNotCountyLevel_Is400_NamingTheCode(string code)
    {
        var admin = await factory.ClientForAsync("admin");
        await (await admin.PostJsonAsync("/api/admin/districts", Body(code))).AssertProblemAsync(400, "code");
    }

    [Fact]
    public async Task ANewDistrict_IsListed_Published_AndItsCodeCannotBeTakenTwice()
    {
        var admin = await factory.ClientForAsync("admin");
        var feed = factory.Services.GetRequiredService<IOutboxFeed>();
        var cursor = await feed.GetLatestCursorAsync();

        var created = await (await admin.PostJsonAsync("/api/admin/districts", Body("110199"))).AssertStatusAsync(201);
        Assert.Equal(("110199", "1101"), (created["code"]!.GetValue<string>(), created["cityCode"]!.GetValue<string>()));
        Assert.Contains((await factory.CreateClient().GetJsonAsync("/api/districts")).AsArray(), d => d!["code"]!.GetValue<string>() == "110199");
        var events = await feed.ReadEventsAsync(cursor, null, 100);
        Assert.Contains(events, e => e.Type == EventTypes.DistrictChanged && e.Data.Contains("110199", StringComparison.Ordinal) && e.Audiences.Contains("district:110199"));

        Assert.Equal(["duplicate.district"], (await (await admin.PostJsonAsync("/api/admin/districts", Body("110199"))).AssertProblemAsync(409, "code"))["codes"]!["code"]!
            .AsArray().Select(c => c!.GetValue<string>()));
        await (await admin.PostJsonAsync("/api/admin/districts", Body("110101"))).AssertProblemAsync(409, "code");
    }

    [Fact]
    public async Task AnUpdate_SetsAKmLimitWithACentre_AndIsPublished()
    {
        var admin = await factory.ClientForAsync("admin");
        await (await admin.PutAsJsonAsync("/api/admin/districts/110108", Body("110108", travelLimitKm: 30))).AssertProblemAsync(400, "lat");
        await (await admin.PutAsJsonAsync("/api/admin/districts/110108", Body("110105", travelLimitKm: 30, 39.96, 116.30))).AssertProblemAsync(400, "code");
        await (await admin.PutAsJsonAsync("/api/admin/districts/110108", Body("110108", travelLimitKm: 30, 9.96, 16.30))).AssertProblemAsync(400, "lon");
        await (await admin.PutAsJsonAsync("/api/admin/districts/120199", Body("120199"))).AssertProblemAsync(404);
        var cursor = await factory.Services.GetRequiredService<IOutboxFeed>().GetLatestCursorAsync();

        var updated = await (await admin.PutAsJsonAsync("/api/admin/districts/110108", Body("110108", travelLimitKm: 30, 39.96, 116.30))).AssertStatusAsync(200);

        Assert.Equal(30, updated["travelLimitKm"]!.GetValue<int>());
        var listed = (await factory.CreateClient().GetJsonAsync("/api/districts")).AsArray().Single(d => d!["code"]!.GetValue<string>() == "110108")!;
        Assert.Equal(("测试区", 30), (listed["name"]!.GetValue<string>(), listed["travelLimitKm"]!.GetValue<int>()));
        Assert.Contains(await factory.Services.GetRequiredService<IOutboxFeed>().ReadEventsAsync(cursor, ["district:110108"], 10), e => e.Type == EventTypes.DistrictChanged);
    }

    [Fact]
    public async Task OnlyTheAdministrator_ChangesDistricts()
    {
        foreach (var user in new[] { "bureau-110101", "city-1101", "provider1", "school1" })
        {
            var client = await factory.ClientForAsync(user);
            await (await client.PostJsonAsync("/api/admin/districts", Body("110198"))).AssertProblemAsync(403);
            await (await client.PutAsJsonAsync("/api/admin/districts/110101", Body("110101"))).AssertProblemAsync(403);
        }
        await (await factory.CreateClient().PostJsonAsync("/api/admin/districts", Body("110198"))).AssertProblemAsync(401);
    }
}
