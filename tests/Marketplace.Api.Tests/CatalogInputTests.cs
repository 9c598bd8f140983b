using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests;

/// <summary>
/// Request content the catalog refuses (issue 10 #2, #3, #4): oversized or invisible text, control characters, overlong
/// lists. Each answer is a 400 naming the field, and what the caller can read afterwards is exactly what it was before.
/// </summary>
public class CatalogInputTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private static string J(object value) => JsonSerializer.Serialize(value);

    /// <summary>Sets <paramref name="path"/> ("venue.address", "tags") of <paramref name="body"/> to the JSON value.</summary>
    internal static JsonObject With(object body, string path, string json)
    {
        var node = JsonSerializer.SerializeToNode(body, Json.Options)!.AsObject();
        var parts = path.Split('.');
        var parent = parts[..^1].Aggregate(node, (n, p) => n[p]!.AsObject());
        parent[parts[^1]] = JsonNode.Parse(json);
        return node;
    }

    public static TheoryData<string, string, string> BadOfferings => new()
    {
        { "venue.address", J(new string('路', 5_000)), "venue.address" },
        { "venue.address", J("\u3000\u200b"), "venue.address" },
        { "title", J("\u200b\u200c"), "title" },
        { "title", J("\u0000"), "title" },
        { "title", J("机器人\u202e课"), "title" },
        { "summary", J("\u001b[31m限时优惠\u001b[0m"), "summary" },
        { "description", J("材料费另计\u0000"), "description" },
        { "tags", J(new[] { "\u200b" }), "tags[0]" },
        { "tags", J(new[] { "机器人", "\u001b[2J" }), "tags[1]" },
        { "tags", J(Enumerable.Range(0, 11).Select(i => $"标签{i}").ToArray()), "tags" },
        { "districts", J(Enumerable.Repeat("110105", 1_000).ToArray()), "districts" },
    };

    [Theory]
    [MemberData(nameof(BadOfferings))]
    public async Task CreateOffering_WithBadContent_Is400NamingTheField_AndWritesNothing(string path, string json, string field)
    {
        var provider = await factory.ClientForAsync("provider2");
        var before = await provider.GetStringAsync("/api/offerings");
        var response = await provider.PostJsonAsync("/api/offerings", With(Demo.OfferingBody("少儿天文观测课"), path, json));
        await response.AssertProblemAsync(400, field);
        Assert.Equal(before, await provider.GetStringAsync("/api/offerings"));
    }

    [Fact]
    public async Task EditOffering_WithOversizedAddressOrInvisibleTitle_Is400_AndLeavesItAsItWas()
    {
        var provider = await factory.ClientForAsync("provider2");
        var created = await provider.PostJsonAsync("/api/offerings", Demo.OfferingBody("少儿天文观测课"));
        var id = (await created.ReadJsonAsync())["id"]!.GetValue<Guid>();
        var before = await provider.GetStringAsync($"/api/offerings/{id}");
        foreach (var (path, json, field) in new[] { ("venue.address", J(new string('路', 201)), "venue.address"), ("title", J("\u200b"), "title") })
        {
            var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/offerings/{id}") { Content = System.Net.Http.Json.JsonContent.Create(With(Demo.OfferingBody(), path, json)) };
            edit.Headers.IfMatch.Add(created.Headers.ETag!);
            await (await provider.SendAsync(edit)).AssertProblemAsync(400, field);
        }
        Assert.Equal(before, await provider.GetStringAsync($"/api/offerings/{id}"));
    }

    private static object Registration(string username) => new
    {
        name = "北京市海淀区青少年天文协会", kind = "SportsOrganization", creditCode = "91350100M000100Y43", contactName = "赵老师",
        contactPhone = "13912345678", districts = new[] { "110108" }, username, password = "Tianwen@2026",
    };

    public static TheoryData<string, string, string> BadRegistrations => new()
    {
        { "name", J("\u0000"), "name" },
        { "name", J("天文协会\u0007"), "name" },
        { "name", J(new string('会', 101)), "name" },
        { "contactName", J("\u001b[31m赵老师\u001b[0m"), "contactName" },
        { "contactName", J("\u200b\u200c"), "contactName" },
        { "contactPhone", J("13９１２３４５６７８"), "contactPhone" },
        { "districts", J(Enumerable.Repeat("110108", 1_000).ToArray()), "districts" },
    };

    [Theory]
    [MemberData(nameof(BadRegistrations))]
    public async Task RegisterProvider_WithBadContent_Is400NamingTheField_AndWritesNothing(string path, string json, string field)
    {
        var bureau = await factory.ClientForAsync("bureau-110108");
        var before = await bureau.GetStringAsync("/api/providers");
        var response = await factory.CreateClient().PostJsonAsync("/api/providers", With(Registration("tianwen-assoc"), path, json));
        await response.AssertProblemAsync(400, field);
        Assert.Equal(before, await bureau.GetStringAsync("/api/providers"));
        var login = await factory.CreateClient().PostJsonAsync("/api/auth/token", new { username = "tianwen-assoc", password = "Tianwen@2026" });
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Theory]
    [InlineData("\u0000")]
    [InlineData("bureau\u001b[0m")]
    public async Task Token_WithControlCharactersInTheUsername_Is400NamingIt(string username) =>
        await (await factory.CreateClient().PostJsonAsync("/api/auth/token", new { username, password = MarketplaceFactory.Password }))
            .AssertProblemAsync(400, "username");

    [Fact]
    public async Task Reasons_AndNotes_RefuseControlAndInvisibleText_AndChangeNothing()
    {
        var provider = await factory.ClientForAsync("provider2");
        var id = (await (await provider.PostJsonAsync("/api/offerings", Demo.OfferingBody("少儿天文观测课"))).ReadJsonAsync())["id"]!.GetValue<Guid>();
        (await provider.PostJsonAsync($"/api/offerings/{id}/submit", null)).EnsureSuccessStatusCode();
        var bureau = await factory.ClientForAsync("bureau-110108");
        var pending = await factory.OrganizationOfAsync("provider19");
        var approved = await factory.OrganizationOfAsync("provider7");
        var offeringBefore = await bureau.GetStringAsync($"/api/offerings/{id}");
        var providersBefore = await bureau.GetStringAsync("/api/providers");

        await (await bureau.PostJsonAsync($"/api/offerings/{id}/reject", new { reason = "\u200b\u200c" })).AssertProblemAsync(400, "reason");
        await (await bureau.PostJsonAsync($"/api/offerings/{id}/reject", new { reason = "\u001b[31m不合格" })).AssertProblemAsync(400, "reason");
        await (await bureau.PostJsonAsync($"/api/offerings/{id}/reject", new { reason = new string('因', 501) })).AssertProblemAsync(400, "reason");
        await (await bureau.PostJsonAsync($"/api/providers/{pending}/reject", new { reason = "材料\u0000" })).AssertProblemAsync(400, "reason");
        await (await bureau.PostJsonAsync($"/api/providers/{pending}/approve", new { note = "\u2060" })).AssertProblemAsync(400, "note");
        await (await bureau.PostJsonAsync($"/api/providers/{approved}/suspend", new { reason = "\u3000" })).AssertProblemAsync(400, "reason");

        Assert.Equal(offeringBefore, await bureau.GetStringAsync($"/api/offerings/{id}"));
        Assert.Equal(providersBefore, await bureau.GetStringAsync("/api/providers"));
        // A reason may run over several lines.
        var rejected = await (await bureau.PostJsonAsync($"/api/offerings/{id}/reject", new { reason = "1. 安全方案不完整\n2. 缺少场地证明" })).ReadJsonAsync();
        Assert.Equal("1. 安全方案不完整\n2. 缺少场地证明", rejected["rejectionReason"]!.GetValue<string>());
    }

    public static TheoryData<string, string, string> BadRecurrences => new()
    {
        { "recurrence.skipDates", J(Enumerable.Range(0, 367).Select(i => $"2027-03-{1 + i % 28:D2}").ToArray()), "recurrence.skipDates" },
        { "recurrence.skipDates", J(Enumerable.Range(0, 5_000).Select(i => $"2027-03-{1 + i % 28:D2}").ToArray()), "recurrence.skipDates" },
        { "recurrence.daysOfWeek", J(Enumerable.Repeat("Tuesday", 10_000).ToArray()), "recurrence.daysOfWeek" },
        { "recurrence.daysOfWeek", J(new[] { "Tuesday", "Tuesday" }), "recurrence.daysOfWeek" },
    };

    [Theory]
    [MemberData(nameof(BadRecurrences))]
    public async Task ScheduleSessions_WithOverlongLists_Is400NamingTheField_AndSchedulesNothing(string path, string json, string field)
    {
        var provider = await factory.ClientForAsync("provider2");
        var id = (await (await provider.PostJsonAsync("/api/offerings", Demo.OfferingBody("少儿天文观测课"))).ReadJsonAsync())["id"]!.GetValue<Guid>();
        var year = DateTime.UtcNow.Year + 1;
        var weekly = new
        {
            capacity = 30,
            recurrence = new { daysOfWeek = new[] { "Tuesday" }, startTime = "15:40", endTime = "17:10", from = $"{year}-03-01", to = $"{year}-06-30", skipDates = Array.Empty<string>() },
        };
        var response = await provider.PostJsonAsync($"/api/offerings/{id}/sessions", With(weekly, path, json.Replace("2027-", $"{year}-", StringComparison.Ordinal)));
        await response.AssertProblemAsync(400, field);
        Assert.Empty((await provider.GetJsonAsync($"/api/offerings/{id}/sessions")).AsArray());
    }
}
