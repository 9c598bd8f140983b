using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Accounts;

/// <summary>Issue 12, accounts: several users per organisation; its admin adds, disables, enables and resets them; everyone
/// changes their own password with the current one; the password rules hold for every password that is set.</summary>
public class AccountTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    internal static async Task<JsonNode> AddUserAsync(HttpClient admin, Guid org, string username, string password = "Staff@2026x", string orgRole = "Staff") =>
        await (await admin.PostJsonAsync($"/api/organisations/{org}/users", new { username, displayName = "张干事", password, orgRole })).AssertStatusAsync(201);

    internal static async Task<JsonNode> SignInAsync(MarketplaceFactory factory, string username, string password) =>
        await (await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { username, password })).AssertStatusAsync(200);

    internal static HttpClient WithToken(MarketplaceFactory factory, string token)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task AnOrgAdmin_AddsAStaffUser_WhoSignsInAsTheOrganisation_ButCannotManageItsUsers()
    {
        var admin = await factory.ClientForAsync("provider3");
        var org = await factory.OrganizationOfAsync("provider3");

        var added = await AddUserAsync(admin, org, "p3-staff");
        Assert.Equal(("Provider", "Staff", false), (added["role"]!.GetValue<string>(), added["orgRole"]!.GetValue<string>(), added["disabled"]!.GetValue<bool>()));
        var token = await SignInAsync(factory, "p3-staff", "Staff@2026x");
        Assert.Equal((org, "Staff", false), (token["organizationId"]!.GetValue<Guid>(), token["orgRole"]!.GetValue<string>(), token["mustChangePassword"]!.GetValue<bool>()));
        var staff = WithToken(factory, token["accessToken"]!.GetValue<string>());

        Assert.Equal("forbidden.org-admin", (await (await staff.GetAsync($"/api/organisations/{org}/users")).AssertProblemAsync(403))["code"]!.GetValue<string>());
        await (await staff.PostJsonAsync($"/api/organisations/{org}/users", new { username = "p3-more", displayName = "李", password = "Staff@2026x" })).AssertProblemAsync(403);
        var listed = (await admin.GetJsonAsync($"/api/organisations/{org}/users")).AsArray().Select(u => u!["username"]!.GetValue<string>()).ToList();
        Assert.Equal(["p3-staff", "provider3"], listed.Order());
        Assert.Equal(added["id"]!.GetValue<Guid>(), (await admin.GetJsonAsync(added.GetLocation(org)))["id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task AnOrgAdmin_DisablesEnablesAndResets_AUserOfItsOwnOrganisation()
    {
        var admin = await factory.ClientForAsync("provider4");
        var org = await factory.OrganizationOfAsync("provider4");
        var user = (await AddUserAsync(admin, org, "p4-staff"))["id"]!.GetValue<Guid>();

        var disabled = await (await admin.PostJsonAsync($"/api/organisations/{org}/users/{user}/disable", new { reason = "已离职" })).AssertStatusAsync(200);
        Assert.True(disabled["disabled"]!.GetValue<bool>());
        await (await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { username = "p4-staff", password = "Staff@2026x" })).AssertProblemAsync(401);
        var again = await (await admin.PostJsonAsync($"/api/organisations/{org}/users/{user}/disable", new { reason = "再次" })).AssertProblemAsync(409);
        Assert.Equal(("user-transition", "Disabled"), (again["code"]!.GetValue<string>(), again["currentStatus"]!.GetValue<string>()));

        await (await admin.PostJsonAsync($"/api/organisations/{org}/users/{user}/enable", null)).AssertStatusAsync(200);
        await SignInAsync(factory, "p4-staff", "Staff@2026x");

        var reset = await (await admin.PostJsonAsync($"/api/organisations/{org}/users/{user}/reset-password", new { newPassword = "Reset@2026x" })).AssertStatusAsync(200);
        Assert.True(reset["mustChangePassword"]!.GetValue<bool>());
        await (await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { username = "p4-staff", password = "Staff@2026x" })).AssertProblemAsync(401);
        var token = await SignInAsync(factory, "p4-staff", "Reset@2026x");
        Assert.True(token["mustChangePassword"]!.GetValue<bool>());
        var staff = WithToken(factory, token["accessToken"]!.GetValue<string>());
        Assert.Equal("password-change-required", (await (await staff.PostJsonAsync("/api/offerings", Demo.OfferingBody())).AssertProblemAsync(403))["code"]!.GetValue<string>());
        await (await staff.GetAsync("/api/offerings")).AssertStatusAsync(200); // reads stay open

        var changed = await (await staff.PutAsJsonAsync("/api/account/password", new { currentPassword = "Reset@2026x", newPassword = "Mine@2026xy" })).AssertStatusAsync(200);
        Assert.False(changed["mustChangePassword"]!.GetValue<bool>());
        await (await WithToken(factory, changed["accessToken"]!.GetValue<string>()).PostJsonAsync("/api/offerings", Demo.OfferingBody("少儿篆刻"))).AssertStatusAsync(201);

        // Not oneself: the admin uses the password change for its own account and cannot disable itself.
        var self = await IdOfAsync(admin, org, "provider4");
        Assert.Equal("user-self", (await (await admin.PostJsonAsync($"/api/organisations/{org}/users/{self}/disable", new { reason = "试试" })).AssertProblemAsync(409))["code"]!.GetValue<string>());
        await (await admin.PostJsonAsync($"/api/organisations/{org}/users/{user}/disable", new { reason = "" })).AssertProblemAsync(400, "reason");
    }

    [Fact]
    public async Task AnotherOrganisation_Is404_ForItsUsersAndTheirActions()
    {
        var admin = await factory.ClientForAsync("provider5");
        var other = await factory.OrganizationOfAsync("provider6");
        var otherUser = await IdOfAsync(await factory.ClientForAsync("provider6"), other, "provider6");

        await (await admin.GetAsync($"/api/organisations/{other}/users")).AssertProblemAsync(404);
        await (await admin.PostJsonAsync($"/api/organisations/{other}/users", new { username = "intruder", displayName = "某", password = "Staff@2026x" })).AssertProblemAsync(404);
        await (await admin.PostJsonAsync($"/api/organisations/{other}/users/{otherUser}/disable", new { reason = "试试" })).AssertProblemAsync(404);
        await (await admin.PostJsonAsync($"/api/organisations/{other}/users/{otherUser}/reset-password", new { newPassword = "Reset@2026x" })).AssertProblemAsync(404);
        // Its own organisation, another organisation's user id: 404 as well.
        var own = await factory.OrganizationOfAsync("provider5");
        await (await admin.PostJsonAsync($"/api/organisations/{own}/users/{otherUser}/disable", new { reason = "试试" })).AssertProblemAsync(404);
        await (await (await factory.ClientForAsync("school2")).GetAsync($"/api/organisations/{other}/users")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task ChangingOnesPassword_NeedsTheCurrentOne_AndANewOneThatKeepsTheRules()
    {
        var admin = await factory.ClientForAsync("provider7");
        await AddUserAsync(admin, await factory.OrganizationOfAsync("provider7"), "p7-staff");
        var staff = WithToken(factory, (await SignInAsync(factory, "p7-staff", "Staff@2026x"))["accessToken"]!.GetValue<string>());

        var wrong = await (await staff.PutAsJsonAsync("/api/account/password", new { currentPassword = "Wrong@2026x", newPassword = "Mine@2026xy" })).AssertProblemAsync(400, "currentPassword");
        Assert.Equal(["account.current-password-wrong"], wrong["codes"]!["currentPassword"]!.AsArray().Select(c => c!.GetValue<string>()));
        foreach (var (weak, code) in new[] { ("short1A", "validation.password-length"), ("alllowercase1", "account.password-classes"), ("P7-staff@2026", "account.password-username"), ("P@ssw0rd", "account.password-common") })
        {
            var refused = await (await staff.PutAsJsonAsync("/api/account/password", new { currentPassword = "Staff@2026x", newPassword = weak })).AssertProblemAsync(400, "newPassword");
            Assert.Contains(code, refused["codes"]!["newPassword"]!.AsArray().Select(c => c!.GetValue<string>()));
        }
        await (await staff.PutAsJsonAsync("/api/account/password", new { currentPassword = "Staff@2026x", newPassword = "Staff@2026x" })).AssertProblemAsync(400, "newPassword");

        await (await staff.PutAsJsonAsync("/api/account/password", new { currentPassword = "Staff@2026x", newPassword = "Mine@2026xy" })).AssertStatusAsync(200);
        await SignInAsync(factory, "p7-staff", "Mine@2026xy");
        await (await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { username = "p7-staff", password = "Staff@2026x" })).AssertProblemAsync(401);
    }

    [Fact]
    public async Task Registration_KeepsThePasswordRules()
    {
        var body = new
        {
            name = "东城少年科学社", kind = "ScienceAssociation", creditCode = "91350100M000100Y43", contactName = "赵老师", contactPhone = "13912345678",
            districts = new[] { "110101" }, username = "dc-science", password = "dcscience2026",
        };
        var refused = await (await factory.CreateClient().PostJsonAsync("/api/providers", body)).AssertProblemAsync(400, "password");
        Assert.Contains("account.password-classes", refused["codes"]!["password"]!.AsArray().Select(c => c!.GetValue<string>()));
        await (await factory.CreateClient().PostJsonAsync("/api/providers", body with { password = "Weiqi@2026" })).AssertStatusAsync(201);
    }

    [Fact]
    public async Task TheAdministrator_ManagesAnyOrganisationsUsers_ButNeverDisablesItsLastAdmin()
    {
        var admin = await factory.ClientForAsync("admin");
        var org = await factory.OrganizationOfAsync("provider8");
        var only = await IdOfAsync(admin, org, "provider8");

        Assert.Equal("last-org-admin", (await (await admin.PostJsonAsync($"/api/organisations/{org}/users/{only}/disable", new { reason = "核查" })).AssertProblemAsync(409))["code"]!.GetValue<string>());
        var second = (await AddUserAsync(admin, org, "p8-admin", orgRole: "Admin"))["id"]!.GetValue<Guid>();
        await (await admin.PostJsonAsync($"/api/organisations/{org}/users/{only}/disable", new { reason = "核查" })).AssertStatusAsync(200);
        await (await admin.PostJsonAsync($"/api/organisations/{org}/users/{second}/disable", new { reason = "核查" })).AssertProblemAsync(409);
    }

    private static async Task<Guid> IdOfAsync(HttpClient manager, Guid org, string username) =>
        (await manager.GetJsonAsync($"/api/organisations/{org}/users")).AsArray().Single(u => u!["username"]!.GetValue<string>() == username)!["id"]!.GetValue<Guid>();
}

internal static class AccountJson
{
    public static string GetLocation(this JsonNode user, Guid org) => $"/api/organisations/{org}/users/{user["id"]}";
}
