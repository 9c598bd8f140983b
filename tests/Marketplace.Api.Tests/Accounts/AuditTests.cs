using System.Net.Http.Json;
using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests.Accounts;

/// <summary>The demo host whose requests come from the address in <see cref="Header"/>, as from a real connection (the in-memory
/// server has none), ahead of the app's own pipeline and its trusted-proxy rules.</summary>
public sealed class RemoteAddressFactory : MarketplaceFactory
{
    public const string Header = "X-Test-Remote-Address";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddTransient<IStartupFilter, RemoteAddressFilter>());
    }

    private sealed class RemoteAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextStep) =>
            {
                if (http.Request.Headers[Header] is { Count: 1 } address) http.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
                return nextStep(http);
            });
            next(app);
        };
    }
}

/// <summary>Issue 12: every administrative action is audited — who, what, when, from where — and readable by the bureau of its
/// district, that district's city bureau and the administrator; nobody else.</summary>
public class AuditTests(RemoteAddressFactory factory) : IClassFixture<RemoteAddressFactory>
{
    private static object Bureau(string username, string district) => new
    {
        name = "朝阳区教育督导室", level = "District", district,
        firstUser = new { username, displayName = "督导员", password = "Dudao@2026x" },
    };

    private static async Task<JsonArray> AuditAsync(HttpClient client, string query = "") => (await client.GetJsonAsync("/api/audit" + query)).AsArray();

    [Fact]
    public async Task AnAdministratorsAction_IsAudited_WithWhoWhatWhenAndFromWhere_AndReadByThatDistrictsBureaus()
    {
        var admin = await factory.ClientForAsync("admin");
        admin.DefaultRequestHeaders.Add(RemoteAddressFactory.Header, "198.51.100.23");
        admin.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7"); // not from a trusted proxy: the connection's address counts
        var before = DateTimeOffset.UtcNow;
        var created = await (await admin.PostJsonAsync("/api/admin/organisations", Bureau("cy-dudao", "110105"))).AssertStatusAsync(201);
        var org = created["organisation"]!["id"]!.GetValue<Guid>();
        Assert.Equal(("District", "Bureau", "Admin"), (created["organisation"]!["level"]!.GetValue<string>(), created["user"]!["role"]!.GetValue<string>(),
            created["user"]!["orgRole"]!.GetValue<string>()));
        Assert.Equal(org, (await admin.GetJsonAsync($"/api/admin/organisations/{org}"))["id"]!.GetValue<Guid>());

        JsonNode? Entry(JsonArray entries) => entries.FirstOrDefault(e => e!["action"]!.GetValue<string>() == "organisation.create" && e["targetId"]!.GetValue<string>() == org.ToString());
        var entry = Entry(await AuditAsync(admin, $"?organisationId={org}"))!;
        Assert.Equal(("Administrator:admin", "organisation", "110105", org), (entry["actor"]!.GetValue<string>(), entry["targetKind"]!.GetValue<string>(),
            entry["district"]!.GetValue<string>(), entry["organizationId"]!.GetValue<Guid>()));
        Assert.InRange(entry["at"]!.GetValue<DateTimeOffset>(), before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal("198.51.100.23", entry["address"]?.GetValue<string>());
        Assert.Contains("cy-dudao", entry["detail"]!.GetValue<string>());

        Assert.NotNull(Entry(await AuditAsync(await factory.ClientForAsync("bureau-110105"))));
        Assert.NotNull(Entry(await AuditAsync(await factory.ClientForAsync("city-1101"))));
        Assert.NotNull(Entry(await AuditAsync(await factory.ClientForAsync("cy-dudao", "Dudao@2026x")))); // the new bureau reads its district's trail
        Assert.Null(Entry(await AuditAsync(await factory.ClientForAsync("bureau-110101"))));
        Assert.Null(Entry(await AuditAsync(await factory.ClientForAsync("city-3301"))));
        Assert.Equal("forbidden.audit-district",
            (await (await (await factory.ClientForAsync("bureau-110101")).GetAsync("/api/audit?district=110105")).AssertProblemAsync(403))["code"]!.GetValue<string>());
        foreach (var user in new[] { "provider1", "school1" })
            await (await (await factory.ClientForAsync(user)).GetAsync("/api/audit")).AssertProblemAsync(403);
    }

    [Fact]
    public async Task AnOrgAdminsUserActions_AndADistrictChange_AreAudited_NewestFirst_AndPaged()
    {
        var bureau = await factory.ClientForAsync("bureau-110108");
        var org = await factory.OrganizationOfAsync("bureau-110108");
        var staff = (await AccountTests.AddUserAsync(bureau, org, "hd-staff"))["id"]!.GetValue<Guid>();
        await (await bureau.PostJsonAsync($"/api/organisations/{org}/users/{staff}/disable", new { reason = "调岗" })).AssertStatusAsync(200);
        await (await (await factory.ClientForAsync("admin")).PutAsJsonAsync("/api/admin/districts/110108",
            new { name = "海淀区", city = "北京市", province = "北京市" })).AssertStatusAsync(200);

        var trail = await AuditAsync(bureau, "?district=110108&limit=2");
        Assert.Equal(["district.update", "user.disable"], trail.Select(e => e!["action"]!.GetValue<string>()));
        Assert.Equal(("Bureau:bureau-110108", "hd-staff: 调岗"), (trail[1]!["actor"]!.GetValue<string>(), trail[1]!["detail"]!.GetValue<string>()));
        var next = await AuditAsync(bureau, $"?district=110108&limit=2&before={trail[1]!["id"]}");
        Assert.Equal("user.create", next[0]!["action"]!.GetValue<string>());
        await (await bureau.GetAsync("/api/audit?district=11010x")).AssertProblemAsync(400, "district");
    }
}
