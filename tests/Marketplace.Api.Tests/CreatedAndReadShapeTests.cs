using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests;

/// <summary>The answer that creates a resource and a later GET of it have the same fields, nested ones included (issue 11).</summary>
public class CreatedAndReadShapeTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    [Fact]
    public async Task ProviderRegistration_AndItsRecord_HaveTheSameFields()
    {
        var response = await factory.CreateClient().PostJsonAsync("/api/providers", new
        {
            name = "北京市东城区青少年科技馆", kind = "ScienceMuseum", creditCode = "91350100M000100Y43", contactName = "孙老师",
            contactPhone = "13812345678", districts = new[] { "110101" }, username = "dc-kejiguan", password = "Kejiguan@2026",
        });
        var created = await CreatedAsync(response);
        var self = await factory.ClientForAsync("dc-kejiguan", "Kejiguan@2026");
        AssertSameFields(created, await self.GetJsonAsync(response.Headers.Location!.OriginalString));
    }

    [Fact]
    public async Task OfferingCreation_AndTheOffering_HaveTheSameFields()
    {
        var provider = await factory.ClientForAsync("provider6");
        var response = await provider.PostJsonAsync("/api/offerings", Demo.OfferingBody("少儿创意编程"));
        AssertSameFields(await CreatedAsync(response), await provider.GetJsonAsync(response.Headers.Location!.OriginalString));
    }

    [Fact]
    public async Task ScheduledSessions_AndTheSessionList_HaveTheSameFields()
    {
        var provider = await factory.ClientForAsync("provider6");
        var offering = (await (await provider.PostJsonAsync("/api/offerings", Demo.OfferingBody("少儿书法"))).ReadJsonAsync())["id"]!.GetValue<Guid>();
        var start = Demo.SchoolDay(DateTimeOffset.UtcNow.AddDays(20));
        var response = await provider.PostJsonAsync($"/api/offerings/{offering}/sessions", new { startsAt = start, endsAt = start.AddHours(1.5), capacity = 25 });
        var created = (await CreatedAsync(response)).AsArray().Single()!;
        var listed = (await provider.GetJsonAsync(response.Headers.Location!.OriginalString)).AsArray().Single()!;
        AssertSameFields(created, listed);
        Assert.Equal(created.ToJsonString(), listed.ToJsonString());
    }

    [Fact]
    public async Task ABookingRequest_AndTheBooking_HaveTheSameFields()
    {
        var (_, _, session) = await BookingTests.FreshSessionAsync(factory, 30);
        var school = await factory.ClientForAsync("school2");
        var response = await school.SendAsync(BookingTests.Book(session, 12, [4], "shape-test-0001", "请安排在操场"));
        var created = await CreatedAsync(response);
        // The plan's warnings are advice on the request (README "Search"): in the 201 and its replays, an empty list on later reads.
        Assert.NotEmpty(created["warnings"]!.AsArray());
        created["warnings"] = new JsonArray();
        AssertSameFields(created, await school.GetJsonAsync(response.Headers.Location!.OriginalString));
    }

    [Fact]
    public async Task ASavedSchoolPlan_AndThePlan_HaveTheSameFields()
    {
        var school = await factory.ClientForAsync("school3");
        var schoolId = await factory.OrganizationOfAsync("school3");
        var url = $"/api/schools/{schoolId}/plans/2027-2028-1";
        var saved = await school.PutAsJsonAsync(url, new
        {
            targetCategories = new[] { "Science", "Arts" }, windows = new[] { new { dayOfWeek = "Thursday", start = "15:30", end = "17:00" } },
            pupilsExpected = new Dictionary<string, int> { ["Science"] = 60 }, budgetFen = 800_000,
        });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        AssertSameFields(await saved.ReadJsonAsync(), await school.GetJsonAsync(url));
    }

    private static async Task<JsonNode> CreatedAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.NotNull(response.Headers.Location);
        return await response.ReadJsonAsync();
    }

    private static void AssertSameFields(JsonNode created, JsonNode read)
    {
        var (a, b) = (FieldsOf(created, "$"), FieldsOf(read, "$"));
        Assert.True(a.SetEquals(b), $"only in the 201: {string.Join(", ", a.Except(b))}; only in the GET: {string.Join(", ", b.Except(a))}");
    }

    /// <summary>Every property path (<c>$.venue.lat</c>, <c>$.history[].at</c>) of the JSON, whatever the values.</summary>
    private static HashSet<string> FieldsOf(JsonNode? node, string path)
    {
        var fields = new HashSet<string>(StringComparer.Ordinal);
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    fields.Add($"{path}.{name}");
                    fields.UnionWith(FieldsOf(value, $"{path}.{name}"));
                }
                break;
            case JsonArray array:
                foreach (var item in array) fields.UnionWith(FieldsOf(item, path + "[]"));
                break;
        }
        return fields;
    }
}
