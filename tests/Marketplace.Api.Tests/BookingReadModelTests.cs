using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests;

/// <summary>A booking carries what the school and the provider read, in the 201, the details and the lists alike (issue 11).</summary>
public class BookingReadModelTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    [Fact]
    public async Task CreatedDetailsAndLists_CarryNamesPlacesAndTimes_ForSchoolAndProvider()
    {
        var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 30);
        var school = await factory.ClientForAsync("school1");
        var created = await (await school.SendAsync(BookingTests.Book(sessionId, 10, [3], "read-model-0001"))).ReadJsonAsync();
        var id = created["id"]!.GetValue<Guid>();
        var schoolProfile = await school.GetJsonAsync($"/api/schools/{created["schoolId"]!.GetValue<Guid>()}");

        var details = await school.GetJsonAsync($"/api/bookings/{id}");
        var inSchoolList = (await school.GetJsonAsync($"/api/bookings?offeringId={offeringId}")).AsArray().Single(b => b!["id"]!.GetValue<Guid>() == id)!;
        var inProviderList = (await provider.GetJsonAsync($"/api/bookings?offeringId={offeringId}")).AsArray().Single(b => b!["id"]!.GetValue<Guid>() == id)!;
        foreach (var view in new[] { created, details, inSchoolList, inProviderList })
        {
            Assert.Equal("校园足球训练营", view["offeringTitle"]!.GetValue<string>());
            Assert.False(string.IsNullOrWhiteSpace(view["providerName"]!.GetValue<string>()));
            Assert.Equal(schoolProfile["name"]!.GetValue<string>(), view["schoolName"]!.GetValue<string>());
            Assert.Equal(schoolProfile["address"]!.GetValue<string>(), view["schoolAddress"]!.GetValue<string>());
            Assert.False(string.IsNullOrWhiteSpace(view["districtName"]!.GetValue<string>()));
            Assert.Equal("OnCampus", view["mode"]!.GetValue<string>());
            Assert.EndsWith("+08:00", view["sessionEndsAt"]!.GetValue<string>());
            Assert.Equal("李老师", view["contactName"]!.GetValue<string>()); // the provider knows whom to call
        }
        // Equal but for the plan's warnings, advice given with the 201 only (README "Search").
        created["warnings"] = new JsonArray();
        Assert.Equal(created.ToJsonString(), details.ToJsonString().Replace(details["version"]!.ToJsonString(), created["version"]!.ToJsonString(), StringComparison.Ordinal));

        // The provider may read the profile of a school that booked it; a provider it never booked (provider19, still pending) gets 404.
        var schoolId = created["schoolId"]!.GetValue<Guid>();
        Assert.Equal(schoolProfile["name"]!.GetValue<string>(), (await provider.GetJsonAsync($"/api/schools/{schoolId}"))["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await (await factory.ClientForAsync("provider19")).GetAsync($"/api/schools/{schoolId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await provider.GetAsync($"/api/schools/{schoolId}/plans/2026-2027-1")).StatusCode);

        var declined = await (await provider.PostJsonAsync($"/api/bookings/{id}/decline", new { reason = "场地维修" })).ReadJsonAsync();
        Assert.Equal("场地维修", declined["statusReason"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await school.GetAsync($"/api/bookings/{id}")).StatusCode);
    }
}
