using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Localization;

/// <summary>
/// One language per answer: zh-CN unless the request asks for English, the same machine-readable codes either way, and
/// no "中文 / English" pairs. Covered for a validation error, a domain-rule conflict, a 404 and a hub refusal (HubAccessTests).
/// </summary>
public sealed partial class LanguageTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Chinese();

    private async Task<(JsonNode Zh, JsonNode En, HttpResponseMessage ZhResponse, HttpResponseMessage EnResponse)> BothAsync(
        HttpClient client, Func<HttpRequestMessage> request, int status)
    {
        var zhResponse = await client.SendAsync(request());
        var english = request();
        english.Headers.Add("Accept-Language", "en-GB,en;q=0.8,zh-CN;q=0.5");
        var enResponse = await client.SendAsync(english);
        return (await zhResponse.AssertProblemAsync(status), await enResponse.AssertProblemAsync(status), zhResponse, enResponse);
    }

    private static void AssertOneLanguage(JsonNode zh, JsonNode en)
    {
        foreach (var text in Texts(zh)) Assert.DoesNotContain(" / ", text, StringComparison.Ordinal);
        foreach (var text in Texts(en))
        {
            Assert.False(Chinese().IsMatch(text), $"Chinese in an English answer: {text}");
            Assert.DoesNotContain(" / ", text, StringComparison.Ordinal);
        }
        Assert.Matches(Chinese(), zh["title"]!.GetValue<string>());
    }

    /// <summary>The texts a person reads: title, detail and each field error.</summary>
    private static IEnumerable<string> Texts(JsonNode problem)
    {
        yield return problem["title"]!.GetValue<string>();
        if (problem["detail"] is { } detail) yield return detail.GetValue<string>();
        if (problem["errors"] is JsonObject errors)
            foreach (var (_, messages) in errors)
                foreach (var message in messages!.AsArray()) yield return message!.GetValue<string>();
    }

    [Fact]
    public async Task AValidationError_IsInChineseByDefault_AndInEnglishWhenAsked_WithTheSameCodes()
    {
        var body = new { name = "", creditCode = "123", contactName = "赵老师", contactPhone = "1", districts = new[] { "999999" }, username = "x", password = "short" };
        var (zh, en, zhResponse, enResponse) = await BothAsync(factory.CreateClient(),
            () => new HttpRequestMessage(HttpMethod.Post, "/api/providers") { Content = JsonContent.Create(body) }, 400);

        AssertOneLanguage(zh, en);
        Assert.Equal("zh-CN", zhResponse.Content.Headers.ContentLanguage.Single());
        Assert.Equal("en", enResponse.Content.Headers.ContentLanguage.Single());
        Assert.Equal("请求参数有误", zh["title"]!.GetValue<string>());
        Assert.Equal("One or more fields are invalid", en["title"]!.GetValue<string>());
        Assert.Equal("统一社会信用代码无效（18 位，校验位不符）", zh["errors"]!["creditCode"]![0]!.GetValue<string>());
        Assert.StartsWith("not a valid unified social credit code", en["errors"]!["creditCode"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(zh["codes"]!.ToJsonString(), en["codes"]!.ToJsonString());
        Assert.Equal("provider.credit-code", zh["codes"]!["creditCode"]![0]!.GetValue<string>());
        Assert.Equal("validation.username", zh["codes"]!["username"]![0]!.GetValue<string>());
        Assert.Equal("3–40 位字母、数字或 _ - .", zh["errors"]!["username"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task ADomainRuleConflict_HasATitleOfItsOwn_InTheAskedLanguage()
    {
        var bureau = await factory.ClientForAsync("bureau-110105");
        var providers = (await bureau.GetJsonAsync("/api/providers?status=Approved&limit=1")).AsArray();
        var id = providers[0]!["id"]!.GetValue<Guid>();
        var (zh, en, _, _) = await BothAsync(bureau,
            () => new HttpRequestMessage(HttpMethod.Post, $"/api/providers/{id}/approve") { Content = JsonContent.Create(new { }) }, 409);

        AssertOneLanguage(zh, en);
        Assert.Equal("provider-transition", zh["code"]!.GetValue<string>());
        Assert.Equal("provider-transition", en["code"]!.GetValue<string>());
        Assert.Equal("Approved", zh["currentStatus"]!.GetValue<string>());
        Assert.Equal("机构状态不允许此操作", zh["title"]!.GetValue<string>());
        Assert.Equal("Provider status does not allow this", en["title"]!.GetValue<string>());
        Assert.Equal("该机构当前状态为“已通过”，不能变为“已通过”", zh["detail"]!.GetValue<string>());
        Assert.Equal("a provider that is Approved cannot become Approved", en["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task ANotFound_NamesTheResource_InTheAskedLanguage()
    {
        var school = await factory.ClientForAsync("school1");
        var id = Guid.CreateVersion7();
        var (zh, en, _, _) = await BothAsync(school, () => new HttpRequestMessage(HttpMethod.Get, $"/api/bookings/{id}"), 404);

        AssertOneLanguage(zh, en);
        Assert.Equal("not-found", zh["code"]!.GetValue<string>());
        Assert.Equal($"未找到预约（{id}）", zh["detail"]!.GetValue<string>());
        Assert.Equal($"booking '{id}' was not found", en["detail"]!.GetValue<string>());
        Assert.Equal("Not found", en["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnUnsupportedLanguage_GetsChinese_AndAQueryStringCultureIsHonoured()
    {
        var client = await factory.ClientForAsync("school1");
        var french = new HttpRequestMessage(HttpMethod.Get, "/api/nothing-here") { Headers = { { "Accept-Language", "fr-FR" } } };
        Assert.Equal("未找到", (await (await client.SendAsync(french)).AssertProblemAsync(404))["title"]!.GetValue<string>());
        Assert.Equal("Not found", (await (await client.GetAsync("/api/nothing-here?culture=en")).AssertProblemAsync(404))["title"]!.GetValue<string>());
    }
}
