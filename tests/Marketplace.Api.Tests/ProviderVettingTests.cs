using System.Net;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests;

public class ProviderVettingTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private static object Registration(string username, string creditCode = "91350100M000100Y43") => new
    {
        name = "北京市海淀区青少年围棋协会", kind = "SportsOrganization", creditCode, contactName = "赵老师", contactPhone = "13912345678",
        districts = new[] { "110108" }, username, password = "Weiqi@2026",
    };

    [Fact]
    public async Task Register_ThenBureauApproves_KeepsAuditTrailVisibleToBoth()
    {
        var anonymous = factory.CreateClient();
        var created = await anonymous.PostJsonAsync("/api/providers", Registration("weiqi-assoc"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var provider = await created.ReadJsonAsync();
        Assert.Equal("Pending", provider["status"]!.GetValue<string>());
        var id = provider["id"]!.GetValue<Guid>();

        var bureau = await factory.ClientForAsync("bureau-110108");
        var approved = await (await bureau.PostJsonAsync($"/api/providers/{id}/approve", new { note = "材料齐全" })).ReadJsonAsync();
        Assert.Equal("Approved", approved["status"]!.GetValue<string>());

        var self = await factory.ClientForAsync("weiqi-assoc", "Weiqi@2026");
        var trail = (await self.GetJsonAsync($"/api/providers/{id}"))["decisions"]!.AsArray();
        Assert.Equal(["Pending", "Approved"], trail.Select(d => d!["status"]!.GetValue<string>()));
        Assert.Equal("Bureau:bureau-110108", trail[1]!["by"]!.GetValue<string>());
        Assert.Equal("材料齐全", trail[1]!["reason"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("91350100M000100Y44", "creditCode")]
    [InlineData("123", "creditCode")]
    public async Task Register_WithBadCreditCode_Is400AndWritesNothing(string code, string field)
    {
        var response = await factory.CreateClient().PostJsonAsync("/api/providers", Registration("bad-code-user", code));
        await response.AssertProblemAsync(400, field);
        var login = await factory.CreateClient().PostJsonAsync("/api/auth/token", new { username = "bad-code-user", password = "Weiqi@2026" });
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task Register_WithEveryFieldMissing_NamesEachField()
    {
        var problem = await (await factory.CreateClient().PostJsonAsync("/api/providers", new { })).AssertProblemAsync(400);
        foreach (var field in new[] { "name", "kind", "creditCode", "contactName", "contactPhone", "districts", "username", "password" })
            Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task Register_WithTakenUsername_Is409()
    {
        var response = await factory.CreateClient().PostJsonAsync("/api/providers", Registration("provider1", "91110000802100433B"));
        await response.AssertProblemAsync(409, "username");
    }

    [Fact]
    public async Task RejectAndSuspend_RequireAReason()
    {
        var bureau = await factory.ClientForAsync("bureau-110101");
        var pending = await factory.OrganizationOfAsync("provider19");
        await (await bureau.PostJsonAsync($"/api/providers/{pending}/reject", new { reason = "" })).AssertProblemAsync(400, "reason");
        var approved = await factory.OrganizationOfAsync("provider3");
        await (await bureau.PostJsonAsync($"/api/providers/{approved}/suspend", new { })).AssertProblemAsync(400, "reason");
    }

    [Fact]
    public async Task OnlyTheBureau_Vets_AndOnlyOwnerOrBureau_SeeTheRecord()
    {
        var pending = await factory.OrganizationOfAsync("provider19");
        var provider = await factory.ClientForAsync("provider1");
        var school = await factory.ClientForAsync("school1");
        Assert.Equal(HttpStatusCode.Forbidden, (await provider.PostJsonAsync($"/api/providers/{pending}/approve", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await school.PostJsonAsync($"/api/providers/{pending}/approve", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await provider.GetAsync($"/api/providers/{pending}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await school.GetAsync($"/api/providers/{pending}")).StatusCode);
    }

    [Fact]
    public async Task PendingProvider_CannotSubmitOfferings()
    {
        var pending = await factory.ClientForAsync("provider19");
        var created = await (await pending.PostJsonAsync("/api/offerings", Demo.OfferingBody())).ReadJsonAsync();
        var submit = await pending.PostJsonAsync($"/api/offerings/{created["id"]}/submit", null);
        var problem = await submit.AssertProblemAsync(409);
        Assert.Equal("provider-not-approved", problem["code"]!.GetValue<string>());
    }
}
