using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Hardening;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Bookings;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests.Schools;

/// <summary>Issue 12 (E): GET /api/schools — a district bureau lists its district's schools, a city bureau its city's; paged like the
/// other lists; by district, stage and "no booking this semester"; schools and providers are refused.</summary>
public class SchoolListTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private static readonly string[] Beijing = ["110101", "110102", "110105", "110108"];

    private static List<Guid> Ids(IEnumerable<JsonNode> schools) => [.. schools.Select(s => s["id"]!.GetValue<Guid>())];

    [Fact]
    public async Task DistrictBureau_ListsItsDistrict_CityBureau_ItsCity_WithCodeStageAndCoordinator()
    {
        var city = await factory.ClientForAsync("city-1101");
        var all = (await city.GetJsonAsync("/api/schools?limit=500")).AsArray().Select(s => s!).ToList();

        var byDistrict = new List<Guid>();
        foreach (var district in Beijing)
        {
            var bureau = await factory.ClientForAsync($"bureau-{district}");
            var own = (await bureau.GetJsonAsync("/api/schools")).AsArray().Select(s => s!).ToList();
            Assert.NotEmpty(own);
            Assert.All(own, s => Assert.Equal(district, s["districtCode"]!.GetValue<string>()));
            Assert.Equal(Ids(own), Ids((await city.GetJsonAsync($"/api/schools?district={district}")).AsArray().Select(s => s!)));
            byDistrict.AddRange(Ids(own));
        }

        Assert.Equal(byDistrict.Order(), Ids(all).Order());
        Assert.All(all, s =>
        {
            Assert.Matches("^[0-9]{10}$", s["schoolCode"]!.GetValue<string>());
            Assert.Contains(s["stage"]!.GetValue<string>(), new[] { "Primary", "Junior" });
            Assert.False(string.IsNullOrEmpty(s["coordinatorName"]!.GetValue<string>()));
            Assert.Matches("^1[3-9][0-9]{9}$", s["coordinatorPhone"]!.GetValue<string>());
        });
    }

    [Fact]
    public async Task Pages_FollowTheLinkHeader_KeepingTheFilters()
    {
        var city = await factory.ClientForAsync("city-1101");
        var all = Ids((await city.GetJsonAsync("/api/schools?stage=Primary")).AsArray().Select(s => s!));
        Assert.True(all.Count > 3);

        var (paged, links) = await ListPagingTests.ReadAllPagesAsync(city, "/api/schools?stage=Primary&limit=2", 2);

        Assert.Equal(all, Ids(paged));
        Assert.All(links, l => Assert.Contains("stage=Primary", l, StringComparison.Ordinal));
        Assert.Equal(all.OrderBy(id => id.ToString("D"), StringComparer.Ordinal), all);
    }

    [Fact]
    public async Task Filters_StageAndNoBookingThisSemester()
    {
        var city = await factory.ClientForAsync("city-1101");
        var all = (await city.GetJsonAsync("/api/schools")).AsArray().Select(s => s!).ToList();
        var junior = (await city.GetJsonAsync("/api/schools?stage=Junior")).AsArray().Select(s => s!).ToList();
        Assert.NotEmpty(junior);
        Assert.Equal(Ids(all.Where(s => s["stage"]!.GetValue<string>() == "Junior")), Ids(junior));

        // The demo's bookings (confirmed, sessions in the coming weeks) are this semester's; a declined request does not count.
        var store = factory.Services.GetRequiredService<IMarketplaceStore>();
        var since = SchoolQueries.SemesterStart(DateTimeOffset.UtcNow);
        var booked = (await store.ListBookingsAsync(new BookingFilter(Districts: Beijing, Limit: 10_000)))
            .Where(b => b.Status is BookingStatus.Requested or BookingStatus.Confirmed or BookingStatus.Completed && b.SessionStartsAt >= since)
            .Select(b => b.SchoolId).ToHashSet();
        Assert.NotEmpty(booked);

        var idle = Ids((await city.GetJsonAsync("/api/schools?noBookingThisSemester=true")).AsArray().Select(s => s!));

        Assert.Equal(Ids(all).Where(id => !booked.Contains(id)), idle);
        Assert.Equal(Ids(all), Ids((await city.GetJsonAsync("/api/schools?noBookingThisSemester=false")).AsArray().Select(s => s!)));
    }

    [Theory]
    [InlineData("2026-01-20T12:00:00+08:00", "2025-09-01T00:00:00+08:00")]
    [InlineData("2026-02-01T00:00:00+08:00", "2026-02-01T00:00:00+08:00")]
    [InlineData("2026-01-31T23:59:59+08:00", "2025-09-01T00:00:00+08:00")]
    [InlineData("2026-08-31T23:59:00+08:00", "2026-02-01T00:00:00+08:00")]
    [InlineData("2026-08-31T16:30:00+00:00", "2026-09-01T00:00:00+08:00")] // already 1 September in Beijing
    public void Semester_BeginsOn1FebruaryOr1September_BeijingTime(string now, string start) =>
        Assert.Equal(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture),
            SchoolQueries.SemesterStart(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public async Task AnotherDistrict_403_BadParameters_400_SchoolsAndProviders_403()
    {
        var bureau = await factory.ClientForAsync("bureau-110101");
        await (await bureau.GetAsync("/api/schools?district=110102")).AssertProblemAsync(403);
        await (await (await factory.ClientForAsync("city-1101")).GetAsync("/api/schools?district=330102")).AssertProblemAsync(403);
        await (await bureau.GetAsync("/api/schools?district=abc")).AssertProblemAsync(400, "district");
        await (await bureau.GetAsync("/api/schools?stage=High")).AssertProblemAsync(400, "stage");
        await (await bureau.GetAsync("/api/schools?noBookingThisSemester=1")).AssertProblemAsync(400, "noBookingThisSemester");
        await (await (await factory.ClientForAsync("school1")).GetAsync("/api/schools")).AssertProblemAsync(403);
        await (await (await factory.ClientForAsync("provider1")).GetAsync("/api/schools")).AssertProblemAsync(403);
        Assert.Equal(401, (int)(await factory.CreateClient().GetAsync("/api/schools")).StatusCode);
    }
}
