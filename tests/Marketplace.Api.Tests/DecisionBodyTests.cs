using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Catalog;

namespace Marketplace.Api.Tests;

/// <summary>The bureau's approve and reject take one body shape for providers and offerings: <c>{note?}</c>, or <c>{reason}</c> as before (issue 11).</summary>
public class DecisionBodyTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    [Theory]
    [InlineData("note")]
    [InlineData("reason")]
    public async Task ApprovingAnOffering_KeepsTheNote_InItsReviewTrail_ForTheOwnerAndTheBureauOnly(string field)
    {
        var (provider, id) = await InReviewAsync();
        var bureau = await factory.ClientForAsync("bureau-110101");
        var approved = await (await bureau.PostAsJsonAsync($"/api/offerings/{id}/approve", Body(field, "内容符合课后服务要求"))).ReadJsonAsync();

        Assert.Equal("Published", approved["status"]!.GetValue<string>());
        foreach (var seen in new[] { approved, await provider.GetJsonAsync($"/api/offerings/{id}"), await bureau.GetJsonAsync($"/api/offerings/{id}") })
        {
            var last = seen["decisions"]!.AsArray()[^1]!;
            Assert.Equal(("Published", "Bureau:bureau-110101", "内容符合课后服务要求"),
                (last["status"]!.GetValue<string>(), last["by"]!.GetValue<string>(), last["reason"]!.GetValue<string>()));
        }
        Assert.Empty((await factory.CreateClient().GetJsonAsync($"/api/offerings/{id}"))["decisions"]!.AsArray()); // the public sees no review notes
        Assert.Empty((await (await factory.ClientForAsync("school1")).GetJsonAsync($"/api/offerings/{id}"))["decisions"]!.AsArray());
    }

    [Theory]
    [InlineData("note")]
    [InlineData("reason")]
    public async Task RejectingAnOffering_TakesTheReason_UnderEitherName(string field)
    {
        var (provider, id) = await InReviewAsync();
        var bureau = await factory.ClientForAsync("bureau-110101");
        await (await bureau.PostAsJsonAsync($"/api/offerings/{id}/reject", Body(field, "安全方案不完整"))).ReadJsonAsync();

        var offering = await provider.GetJsonAsync($"/api/offerings/{id}");
        Assert.Equal(("Rejected", "安全方案不完整"), (offering["status"]!.GetValue<string>(), offering["rejectionReason"]!.GetValue<string>()));
        Assert.Equal("安全方案不完整", offering["decisions"]!.AsArray()[^1]!["reason"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("approve", "note", "Approved")]
    [InlineData("approve", "reason", "Approved")]
    [InlineData("reject", "note", "Rejected")]
    [InlineData("reject", "reason", "Rejected")]
    public async Task AProviderDecision_TakesTheSameBody(string decision, string field, string status)
    {
        var id = await PendingProviderAsync();
        var bureau = await factory.ClientForAsync("bureau-110101");
        var decided = await (await bureau.PostAsJsonAsync($"/api/providers/{id}/{decision}", Body(field, "材料已核验"))).ReadJsonAsync();
        var last = decided["decisions"]!.AsArray()[^1]!;
        Assert.Equal((status, "材料已核验"), (last["status"]!.GetValue<string>(), last["reason"]!.GetValue<string>()));
    }

    [Fact]
    public async Task NoteAndReasonThatDiffer_Are400NamingNote_AndDecideNothing()
    {
        var (provider, offering) = await InReviewAsync();
        var pending = await PendingProviderAsync();
        var bureau = await factory.ClientForAsync("bureau-110101");
        var both = new { note = "同意", reason = "不同意" };
        foreach (var url in new[] { $"/api/offerings/{offering}/approve", $"/api/offerings/{offering}/reject", $"/api/providers/{pending}/approve", $"/api/providers/{pending}/reject" })
            await (await bureau.PostAsJsonAsync(url, both)).AssertProblemAsync(400, "note");
        await (await bureau.PostAsJsonAsync($"/api/offerings/{offering}/approve", new { note = "坏\u001b[31m备注" })).AssertProblemAsync(400, "note");

        Assert.Equal("PendingReview", (await provider.GetJsonAsync($"/api/offerings/{offering}"))["status"]!.GetValue<string>());
        Assert.Equal("Pending", (await bureau.GetJsonAsync($"/api/providers/{pending}"))["status"]!.GetValue<string>());
    }

    private static JsonObject Body(string field, string text) => new() { [field] = text };

    private async Task<(HttpClient Provider, Guid Id)> InReviewAsync()
    {
        var provider = await factory.ClientForAsync("provider3");
        var id = (await (await provider.PostJsonAsync("/api/offerings", Demo.OfferingBody("青少年天文观测营"))).ReadJsonAsync())["id"]!.GetValue<Guid>();
        (await provider.PostJsonAsync($"/api/offerings/{id}/submit", null)).EnsureSuccessStatusCode();
        return (provider, id);
    }

    private async Task<Guid> PendingProviderAsync()
    {
        var body = Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var first17 = "91110108" + body + CreditCode.OrganizationCheckDigit(body);
        var registered = await factory.CreateClient().PostJsonAsync("/api/providers", new
        {
            name = "北京市海淀区青少年航模协会", kind = "SportsOrganization", creditCode = first17 + CreditCode.CheckCharacter(first17),
            contactName = "钱老师", contactPhone = "13912345678", districts = new[] { "110101" }, username = "hangmo-" + body, password = "Hangmo@2026",
        });
        return (await registered.ReadJsonAsync())["id"]!.GetValue<Guid>();
    }
}
