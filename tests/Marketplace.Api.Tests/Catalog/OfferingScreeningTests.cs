using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Catalog;

/// <summary>
/// 学科类 screening with the bureau in the loop: clear tutoring is refused at once; a flagged offering is saved with the words,
/// goes to review only with the provider's justification, and the bureau's queue shows the words and the justification.
/// </summary>
public sealed class OfferingScreeningTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private static object Body(string title, string summary = "动手做实验，看得见的科学", string? justification = null) => new
    {
        title, summary, category = "Science", mode = "OnCampus", grades = new[] { 3, 4, 5 }, minGroup = 5, maxGroup = 30,
        durationMinutes = 90, priceFen = 500, districts = new[] { "110105" }, screeningJustification = justification,
    };

    private static HttpRequestMessage Put(Guid id, string etag, object body)
    {
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/offerings/{id}") { Content = JsonContent.Create(body) };
        put.Headers.TryAddWithoutValidation("If-Match", etag);
        return put;
    }

    private static string[] Words(JsonNode offering) =>
        [.. offering["screening"]!["matches"]!.AsArray().Select(m => $"{m!["field"]}:{m["word"]}:{m["rule"]}")];

    [Fact]
    public async Task ClearTutoring_IsRefusedAtOnce_NamingFieldAndWord_AndNothingIsSaved()
    {
        var provider = await factory.ClientForAsync("provider1");
        var before = (await provider.GetJsonAsync("/api/offerings?limit=500")).AsArray().Count;
        var problem = await (await provider.PostJsonAsync("/api/offerings", Body("英语口语角", summary: "拼音识字与口算"))).AssertProblemAsync(400, "title");
        Assert.Equal("offering.academic-subject", problem["codes"]!["title"]![0]!.GetValue<string>());
        Assert.Contains("英语", problem["errors"]!["title"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("拼音", problem["errors"]!["summary"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, (await provider.GetJsonAsync("/api/offerings?limit=500")).AsArray().Count);
    }

    [Fact]
    public async Task Flagged_IsSaved_SubmitNeedsAJustification_TheBureauSeesTheWords_AndApproves()
    {
        var provider = await factory.ClientForAsync("provider1");
        var created = await provider.PostJsonAsync("/api/offerings", Body("趣味化学实验秀"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var etag = created.Headers.ETag!.Tag;
        var offering = await created.ReadJsonAsync();
        var id = offering["id"]!.GetValue<Guid>();
        Assert.Equal("Draft", offering["status"]!.GetValue<string>());
        Assert.Equal("Flag", offering["screening"]!["tier"]!.GetValue<string>());
        Assert.Equal(["title:化学:ambiguous-subject"], Words(offering));
        Assert.Null(offering["screening"]!["justification"]);

        var refused = await (await provider.PostJsonAsync($"/api/offerings/{id}/submit", null)).AssertProblemAsync(400, "screeningJustification");
        Assert.Equal("offering.screening-justification-required", refused["codes"]!["screeningJustification"]![0]!.GetValue<string>());
        Assert.Contains("化学", refused["errors"]!["screeningJustification"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Draft", (await provider.GetJsonAsync($"/api/offerings/{id}"))["status"]!.GetValue<string>());

        const string why = "科普实验表演，不涉及化学课程标准内容，不讲题、不考试";
        var edited = await provider.SendAsync(Put(id, etag, Body("趣味化学实验秀", justification: why)));
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal(why, (await edited.ReadJsonAsync())["screening"]!["justification"]!.GetValue<string>());
        (await provider.PostJsonAsync($"/api/offerings/{id}/submit", null)).EnsureSuccessStatusCode();

        var bureau = await factory.ClientForAsync("bureau-110105");
        var queue = (await bureau.GetJsonAsync("/api/offerings?status=PendingReview&limit=500")).AsArray();
        var queued = queue.Single(o => o!["id"]!.GetValue<Guid>() == id)!;
        Assert.Equal(["title:化学:ambiguous-subject"], Words(queued));
        Assert.Equal(why, queued["screening"]!["justification"]!.GetValue<string>());

        var approved = await (await bureau.PostJsonAsync($"/api/offerings/{id}/approve", new { note = "科普，非学科类" })).ReadJsonAsync();
        Assert.Equal("Published", approved["status"]!.GetValue<string>());
        // What the bureau judged is not for schools or the public.
        var school = await (await factory.ClientForAsync("school27")).GetJsonAsync($"/api/offerings/{id}");
        Assert.Null(school["screening"]);
        Assert.Null((await factory.CreateClient().GetJsonAsync($"/api/offerings/{id}"))["screening"]);
    }

    [Fact]
    public async Task EditingAPublishedOffering_WithNewFlagWords_SendsItBackToReview_TheSameWordsDoNot()
    {
        var provider = await factory.ClientForAsync("provider1");
        const string why = "科普实验表演，非学科类";
        var created = await provider.PostJsonAsync("/api/offerings", Body("趣味化学实验秀", justification: why));
        var id = (await created.ReadJsonAsync())["id"]!.GetValue<Guid>();
        (await provider.PostJsonAsync($"/api/offerings/{id}/submit", null)).EnsureSuccessStatusCode();
        var bureau = await factory.ClientForAsync("bureau-110105");
        var published = await bureau.PostJsonAsync($"/api/offerings/{id}/approve", null);
        published.EnsureSuccessStatusCode();

        // Reworded, same flagged word, justification reworded too: stays published.
        var same = await provider.SendAsync(Put(id, published.Headers.ETag!.Tag, Body("趣味化学实验秀", "实验秀：颜色变变变", why + "（面向三至五年级）")));
        var sameBody = await same.AssertStatusAsync(200);
        Assert.Equal("Published", sameBody["status"]!.GetValue<string>());

        // A new flagged word without a justification: refused, nothing changes.
        await (await provider.SendAsync(Put(id, same.Headers.ETag!.Tag, Body("趣味化学实验秀", "历史上的化学家")))).AssertProblemAsync(400, "screeningJustification");
        Assert.Equal("Published", (await provider.GetJsonAsync($"/api/offerings/{id}"))["status"]!.GetValue<string>());

        // With it: back to the bureau, which sees both words.
        var moved = await (await provider.SendAsync(Put(id, same.Headers.ETag!.Tag, Body("趣味化学实验秀", "历史上的化学家", why)))).AssertStatusAsync(200);
        Assert.Equal("PendingReview", moved["status"]!.GetValue<string>());
        var queued = (await bureau.GetJsonAsync("/api/offerings?status=PendingReview&limit=500")).AsArray().Single(o => o!["id"]!.GetValue<Guid>() == id)!;
        Assert.Equal(["title:化学:ambiguous-subject", "summary:历史:ambiguous-subject", "summary:化学:ambiguous-subject"], Words(queued));
    }

    [Fact]
    public async Task AJustificationTooLong_Is400()
    {
        var provider = await factory.ClientForAsync("provider1");
        await (await provider.PostJsonAsync("/api/offerings", Body("趣味化学实验秀", justification: new string('科', 501)))).AssertProblemAsync(400, "screeningJustification");
    }
}
