using System.Net.Http.Json;
using System.Net;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests;

public class OfferingTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private async Task<(HttpClient Client, Guid Id, string ETag)> DraftAsync(string username = "provider1", object? body = null)
    {
        var client = await factory.ClientForAsync(username);
        var response = await client.PostJsonAsync("/api/offerings", body ?? Demo.OfferingBody());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (client, (await response.ReadJsonAsync())["id"]!.GetValue<Guid>(), response.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Draft_SubmitApprove_Publishes()
    {
        var (provider, id, _) = await DraftAsync();
        Assert.Equal(HttpStatusCode.OK, (await provider.PostJsonAsync($"/api/offerings/{id}/submit", null)).StatusCode);
        var bureau = await factory.ClientForAsync("bureau-110105");
        var approved = await (await bureau.PostJsonAsync($"/api/offerings/{id}/approve", null)).ReadJsonAsync();
        Assert.Equal("Published", approved["status"]!.GetValue<string>());
        Assert.Equal("Published", (await factory.CreateClient().GetJsonAsync($"/api/offerings/{id}"))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reject_NeedsReason_AndIsShownToTheProvider()
    {
        var (provider, id, _) = await DraftAsync();
        await provider.PostJsonAsync($"/api/offerings/{id}/submit", null);
        var bureau = await factory.ClientForAsync("bureau-110105");
        await (await bureau.PostJsonAsync($"/api/offerings/{id}/reject", new { })).AssertProblemAsync(400, "reason");
        await bureau.PostJsonAsync($"/api/offerings/{id}/reject", new { reason = "安全方案不完整" });
        var offering = await provider.GetJsonAsync($"/api/offerings/{id}");
        Assert.Equal("Rejected", offering["status"]!.GetValue<string>());
        Assert.Equal("安全方案不完整", offering["rejectionReason"]!.GetValue<string>());
    }

    public static TheoryData<object, string> Refusals => new()
    {
        { Demo.OfferingBody(title: "小学数学思维提高班"), "title" },
        { Demo.OfferingBody(title: "英语口语角"), "title" },
        { Demo.OfferingBody(grades: [0, 3]), "grades" },
        { Demo.OfferingBody(grades: [3, 10]), "grades" },
        { Demo.OfferingBody(grades: []), "grades" },
        { Demo.OfferingBody(priceFen: -1), "priceFen" },
        { Demo.OfferingBody(priceFen: 99_999_999), "priceFen" },
        { new { title = "足球", summary = "s", category = "Sports", mode = "OffCampus", grades = new[] { 3 }, minGroup = 5, maxGroup = 20, durationMinutes = 60, priceFen = 0 }, "venue" },
        { new { title = "足球", summary = "s", category = "Sports", mode = "OnCampus", grades = new[] { 3 }, minGroup = 5, maxGroup = 20, durationMinutes = 60, priceFen = 0 }, "districts" },
        { new { title = "足球", summary = "s", category = "Sports", mode = "OnCampus", grades = new[] { 3 }, minGroup = 30, maxGroup = 20, durationMinutes = 60, priceFen = 0, districts = new[] { "110105" } }, "maxGroup" },
        { new { title = "足球", summary = "s", category = "Sports", mode = "OnCampus", grades = new[] { 3 }, minGroup = 5, maxGroup = 20, durationMinutes = 6000, priceFen = 0, districts = new[] { "110105" } }, "durationMinutes" },
        // Enums by defined name only: mode 5 was neither on- nor off-campus, so no venue or district rule applied.
        { new { title = "足球", summary = "s", category = "Sports", mode = 5, grades = new[] { 3 }, minGroup = 5, maxGroup = 20, durationMinutes = 60, priceFen = 0 }, "mode" },
        { new { title = "足球", summary = "s", category = "7", mode = "OnCampus", grades = new[] { 3 }, minGroup = 5, maxGroup = 20, durationMinutes = 60, priceFen = 0, districts = new[] { "110105" } }, "category" },
        { new { title = "足球", summary = "s", category = "Sports", mode = "OnCampus, OffCampus", grades = new[] { 3 }, minGroup = 5, maxGroup = 20, durationMinutes = 60, priceFen = 0, districts = new[] { "110105" } }, "mode" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Create_WithBadField_Is400NamingIt_AndWritesNothing(object body, string field)
    {
        var client = await factory.ClientForAsync("provider2");
        var before = (await client.GetJsonAsync("/api/offerings")).AsArray().Count;
        await (await client.PostJsonAsync("/api/offerings", body)).AssertProblemAsync(400, field);
        Assert.Equal(before, (await client.GetJsonAsync("/api/offerings")).AsArray().Count);
    }

    [Fact]
    public async Task Create_WithAcademicCategory_Is400()
    {
        var client = await factory.ClientForAsync("provider2");
        var body = new { title = "思维课", summary = "s", category = "Mathematics", mode = "OnCampus", grades = new[] { 3 }, minGroup = 5, maxGroup = 20, durationMinutes = 60, priceFen = 0, districts = new[] { "110105" } };
        await (await client.PostJsonAsync("/api/offerings", body)).AssertProblemAsync(400);
    }

    [Fact]
    public async Task Create_IgnoresFieldsTheCallerMayNotSet()
    {
        var client = await factory.ClientForAsync("provider2");
        var response = await client.PostAsJsonAsync("/api/offerings", new
        {
            title = "校园足球", summary = "s", category = "Sports", mode = "OnCampus", grades = new[] { 3 }, minGroup = 5, maxGroup = 20,
            durationMinutes = 60, priceFen = 0, districts = new[] { "110105" }, status = "Published", providerId = Guid.NewGuid(), version = 99,
        });
        var body = await response.ReadJsonAsync();
        Assert.Equal("Draft", body["status"]!.GetValue<string>());
        Assert.Equal(1, body["version"]!.GetValue<int>());
        Assert.Equal(await factory.OrganizationOfAsync("provider2"), body["providerId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task AnotherProvider_CannotSeeEditOrSubmitADraft()
    {
        var (_, id, etag) = await DraftAsync("provider1");
        var other = await factory.ClientForAsync("provider2");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/offerings/{id}")).StatusCode);
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/offerings/{id}") { Content = JsonContent.Create(Demo.OfferingBody()) };
        put.Headers.TryAddWithoutValidation("If-Match", etag);
        Assert.Equal(HttpStatusCode.NotFound, (await other.SendAsync(put)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostJsonAsync($"/api/offerings/{id}/submit", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient().GetAsync($"/api/offerings/{id}")).StatusCode);
        var school = await factory.ClientForAsync("school1");
        Assert.Equal(HttpStatusCode.NotFound, (await school.GetAsync($"/api/offerings/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await school.PostJsonAsync("/api/offerings", Demo.OfferingBody())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostJsonAsync($"/api/offerings/{id}/approve", null)).StatusCode);
    }

    [Fact]
    public async Task Edit_WithoutIfMatch_Is428_AndWithStaleETag_Is412()
    {
        var (client, id, etag) = await DraftAsync();
        Assert.Equal(428, (int)(await client.PutAsJsonAsync($"/api/offerings/{id}", Demo.OfferingBody())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Put(client, id, etag, Demo.OfferingBody(title: "机器人编程（新版）"))).StatusCode);
        await (await Put(client, id, etag, Demo.OfferingBody(title: "机器人编程（旧版）"))).AssertProblemAsync(412);
    }

    [Fact]
    public async Task TwoParallelEdits_WithTheSameETag_ExactlyOneWins()
    {
        var (client, id, etag) = await DraftAsync();
        var edits = Enumerable.Range(0, 8).Select(i => Put(client, id, etag, Demo.OfferingBody(title: $"机器人编程第{i}版"))).ToArray();
        var results = await Task.WhenAll(edits);
        Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(7, results.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed));
    }

    [Fact]
    public async Task EditOfPublished_PriceGoesBackToReview_WordingDoesNot()
    {
        var (provider, id, _) = await DraftAsync();
        await provider.PostJsonAsync($"/api/offerings/{id}/submit", null);
        await (await factory.ClientForAsync("bureau-110105")).PostJsonAsync($"/api/offerings/{id}/approve", null);
        var current = await provider.GetAsync($"/api/offerings/{id}");
        var wording = await Put(provider, id, current.Headers.ETag!.Tag, Demo.OfferingBody(title: "青少年机器人编程科普体验课"));
        Assert.Equal("Published", (await wording.ReadJsonAsync())["status"]!.GetValue<string>());
        var price = await Put(provider, id, wording.Headers.ETag!.Tag, Demo.OfferingBody(title: "青少年机器人编程科普体验课", priceFen: 900));
        Assert.Equal("PendingReview", (await price.ReadJsonAsync())["status"]!.GetValue<string>());
    }

    /// <summary>The reviewer approves the version it read: a provider's edit in between makes the approval 412.</summary>
    [Fact]
    public async Task Approve_WithTheETagRead_Is412AfterAnEdit_And200OnTheCurrentVersion()
    {
        var (provider, id, _) = await DraftAsync();
        await provider.PostJsonAsync($"/api/offerings/{id}/submit", null);
        var bureau = await factory.ClientForAsync("bureau-110105");
        var read = (await bureau.GetAsync($"/api/offerings/{id}")).Headers.ETag!.Tag;
        var current = await provider.GetAsync($"/api/offerings/{id}");
        var edited = await Put(provider, id, current.Headers.ETag!.Tag, Demo.OfferingBody(title: "青少年机器人编程科普课（新）"));
        Assert.Equal("PendingReview", (await edited.ReadJsonAsync())["status"]!.GetValue<string>());

        HttpRequestMessage Approve(string etag)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/offerings/{id}/approve");
            request.Headers.TryAddWithoutValidation("If-Match", etag);
            return request;
        }
        await (await bureau.SendAsync(Approve(read))).AssertProblemAsync(412);
        await (await bureau.SendAsync(Approve("not-an-etag"))).AssertProblemAsync(400, "If-Match");
        var approved = await bureau.SendAsync(Approve(edited.Headers.ETag!.Tag));
        Assert.Equal("Published", (await approved.ReadJsonAsync())["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task EditOfPublished_ChangingTheCategory_GoesBackToReview()
    {
        var (provider, id, _) = await DraftAsync();
        await provider.PostJsonAsync($"/api/offerings/{id}/submit", null);
        await (await factory.ClientForAsync("bureau-110105")).PostJsonAsync($"/api/offerings/{id}/approve", null);
        var current = await provider.GetAsync($"/api/offerings/{id}");
        var body = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Demo.OfferingBody()))!;
        body["category"] = "Arts";
        var recategorised = await Put(provider, id, current.Headers.ETag!.Tag, body);
        Assert.Equal("PendingReview", (await recategorised.ReadJsonAsync())["status"]!.GetValue<string>());
    }

    private static Task<HttpResponseMessage> Put(HttpClient client, Guid id, string etag, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/offerings/{id}") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return client.SendAsync(request);
    }
}
