using System.Net;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Catalog;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests;

/// <summary>
/// Each district keeps its own white list (issue 12): a provider applies to districts, each district's bureau approves, rejects
/// or suspends only its own entry, and one bureau's decision never changes another district's.
/// </summary>
public sealed class DistrictWhiteListTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    /// <summary>Registers a provider in 东城 (110101) and 海淀 (110108); returns its id, its client and its username.</summary>
    private async Task<(Guid Id, HttpClient Client)> RegisterAsync(params string[] districts)
    {
        var body = Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var first17 = "91110101" + body + CreditCode.OrganizationCheckDigit(body);
        var username = "kexie-" + body;
        var registered = await factory.CreateClient().PostJsonAsync("/api/providers", new
        {
            name = "北京市青少年科普联合会", kind = "ScienceAssociation", creditCode = first17 + CreditCode.CheckCharacter(first17),
            contactName = "吴老师", contactPhone = "13912345678", districts = districts.Length == 0 ? ["110101", "110108"] : districts, username, password = "Kexie@2026",
        });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        return ((await registered.ReadJsonAsync())["id"]!.GetValue<Guid>(), await factory.ClientForAsync(username, "Kexie@2026"));
    }

    private static Dictionary<string, string> Entries(System.Text.Json.Nodes.JsonNode provider) =>
        provider["approvals"]!.AsArray().ToDictionary(e => e!["district"]!.GetValue<string>(), e => e!["status"]!.GetValue<string>());

    [Fact]
    public async Task TwoDistricts_DecideIndependently_EachDecisionHoldsInItsOwnDistrictOnly()
    {
        var (id, provider) = await RegisterAsync();
        var (dongcheng, haidian) = (await factory.ClientForAsync("bureau-110101"), await factory.ClientForAsync("bureau-110108"));

        var approved = await (await dongcheng.PostJsonAsync($"/api/providers/{id}/approve", new { note = "材料齐全" })).ReadJsonAsync();
        Assert.Equal(new Dictionary<string, string> { ["110101"] = "Approved", ["110108"] = "Pending" }, Entries(approved));
        Assert.Equal("Approved", approved["status"]!.GetValue<string>());
        Assert.Equal("110101", approved["homeDistrict"]!.GetValue<string>());

        var rejected = await (await haidian.PostJsonAsync($"/api/providers/{id}/reject", new { reason = "场地证明缺失" })).ReadJsonAsync();
        Assert.Equal(new Dictionary<string, string> { ["110101"] = "Approved", ["110108"] = "Rejected" }, Entries(rejected));
        Assert.Equal("Approved", rejected["status"]!.GetValue<string>()); // the summary: approved somewhere

        // The trail names who decided where; the provider reads it too.
        var trail = (await provider.GetJsonAsync($"/api/providers/{id}"))["decisions"]!.AsArray()
            .Select(d => (d!["status"]!.GetValue<string>(), d["by"]!.GetValue<string>(), d["district"]?.GetValue<string>(), d["reason"]?.GetValue<string>())).ToList();
        Assert.Equal(("Approved", "Bureau:bureau-110101", "110101", "材料齐全"), trail[^2]);
        Assert.Equal(("Rejected", "Bureau:bureau-110108", "110108", "场地证明缺失"), trail[^1]);

        // Neither bureau may decide the other's entry, nor may a bureau of a district the provider never applied to.
        var other = await (await dongcheng.PostJsonAsync($"/api/providers/{id}/suspend", new { reason = "越权", district = "110108" })).AssertProblemAsync(403);
        Assert.Equal("forbidden.provider-vetting-district", other["code"]!.GetValue<string>());
        await (await (await factory.ClientForAsync("bureau-110105")).PostJsonAsync($"/api/providers/{id}/approve", null)).AssertProblemAsync(403);
        await (await factory.ClientForAsync("bureau-110105")).GetAsync($"/api/providers/{id}").ContinueWith(t => Assert.Equal(HttpStatusCode.NotFound, t.Result.StatusCode));

        // Each district's list: approved here, rejected there.
        Assert.Contains((await dongcheng.GetJsonAsync("/api/providers?status=Approved&limit=500")).AsArray(), p => p!["id"]!.GetValue<Guid>() == id);
        Assert.DoesNotContain((await haidian.GetJsonAsync("/api/providers?status=Approved&limit=500")).AsArray(), p => p!["id"]!.GetValue<Guid>() == id);
        Assert.Contains((await haidian.GetJsonAsync("/api/providers?status=Rejected&limit=500")).AsArray(), p => p!["id"]!.GetValue<Guid>() == id);

        // A rejected district may be applied to again; a standing one may not.
        var again = await (await provider.PostJsonAsync($"/api/providers/{id}/districts", new { districts = new[] { "110108", "110102" } })).ReadJsonAsync();
        Assert.Equal(new Dictionary<string, string> { ["110101"] = "Approved", ["110108"] = "Pending", ["110102"] = "Pending" }, Entries(again));
        var twice = await (await provider.PostJsonAsync($"/api/providers/{id}/districts", new { districts = new[] { "110101" } })).AssertProblemAsync(409);
        Assert.Equal("district-already-applied", twice["code"]!.GetValue<string>());
        await (await provider.PostJsonAsync($"/api/providers/{id}/districts", new { districts = new[] { "999999" } })).AssertProblemAsync(400, "districts");
        await (await provider.PostJsonAsync($"/api/providers/{id}/districts", new { })).AssertProblemAsync(400, "districts");
        Assert.Equal(HttpStatusCode.NotFound, (await (await factory.ClientForAsync("provider1")).PostJsonAsync($"/api/providers/{id}/districts", new { districts = new[] { "110105" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await dongcheng.PostJsonAsync($"/api/providers/{id}/districts", new { districts = new[] { "110105" } })).StatusCode);
        Assert.Equal(3, (await provider.GetJsonAsync($"/api/providers/{id}"))["approvals"]!.AsArray().Count);
        Assert.Contains((await (await factory.ClientForAsync("bureau-110102")).GetJsonAsync("/api/providers?status=Pending&limit=500")).AsArray(), p => p!["id"]!.GetValue<Guid>() == id);
    }

    /// <summary>Two bureaus deciding at the same moment conflict on the provider's version; each decision is applied again to its own entry.</summary>
    [Fact]
    public async Task TwoBureausDecidingAtOnce_BothDecisionsStand()
    {
        for (var round = 0; round < 3; round++)
        {
            var (id, _) = await RegisterAsync();
            var (dongcheng, haidian) = (await factory.ClientForAsync("bureau-110101"), await factory.ClientForAsync("bureau-110108"));
            var answers = await Task.WhenAll(
                dongcheng.PostJsonAsync($"/api/providers/{id}/approve", new { note = "同意" }),
                haidian.PostJsonAsync($"/api/providers/{id}/reject", new { reason = "不同意" }));
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
            Assert.Equal(new Dictionary<string, string> { ["110101"] = "Approved", ["110108"] = "Rejected" }, Entries(await dongcheng.GetJsonAsync($"/api/providers/{id}")));
        }
    }

    [Fact]
    public async Task SuspendingInOneDistrict_DeclinesOnlyThatDistrictsOpenRequests()
    {
        var (id, provider) = await RegisterAsync();
        var (dongcheng, haidian) = (await factory.ClientForAsync("bureau-110101"), await factory.ClientForAsync("bureau-110108"));
        (await dongcheng.PostJsonAsync($"/api/providers/{id}/approve", null)).EnsureSuccessStatusCode();
        (await haidian.PostJsonAsync($"/api/providers/{id}/approve", null)).EnsureSuccessStatusCode();
        var offering = (await (await provider.PostJsonAsync("/api/offerings", new
        {
            title = "少儿科普实验课", summary = "动手做实验", category = "Science", mode = "OnCampus", grades = new[] { 3, 4 }, minGroup = 1, maxGroup = 40,
            durationMinutes = 90, priceFen = 0, cancellationCutoffHours = 24, districts = new[] { "110101", "110108" },
        })).ReadJsonAsync())["id"]!.GetValue<Guid>();
        (await provider.PostJsonAsync($"/api/offerings/{offering}/submit", null)).EnsureSuccessStatusCode();
        (await dongcheng.PostJsonAsync($"/api/offerings/{offering}/approve", null)).EnsureSuccessStatusCode(); // home: 东城
        var start = Demo.SchoolDay(DateTimeOffset.UtcNow.AddDays(4));
        var session = (await (await provider.PostJsonAsync($"/api/offerings/{offering}/sessions", new { startsAt = start, endsAt = start.AddHours(1), capacity = 30 })).ReadJsonAsync())
            .AsArray()[0]!["id"]!.GetValue<Guid>();
        var (inA, inB) = (await factory.ClientForAsync("school1"), await factory.ClientForAsync("school4")); // 东城, 海淀
        var a = await ProviderSuspensionTests.BookAsync(inA, session, 3, "white-list-susp-a");
        var b = await ProviderSuspensionTests.BookAsync(inB, session, 4, "white-list-susp-b");

        var suspended = await (await dongcheng.PostJsonAsync($"/api/providers/{id}/suspend", new { reason = "安全隐患整改" })).ReadJsonAsync();
        Assert.Equal(new Dictionary<string, string> { ["110101"] = "Suspended", ["110108"] = "Approved" }, Entries(suspended));

        var declined = await inA.GetJsonAsync($"/api/bookings/{a}");
        Assert.Equal(("Declined", "provider-suspended"), (declined["status"]!.GetValue<string>(), declined["statusCause"]!.GetValue<string>()));
        Assert.Equal("安全隐患整改", declined["history"]!.AsArray()[^1]!["reason"]!.GetValue<string>());
        Assert.Equal("Requested", (await inB.GetJsonAsync($"/api/bookings/{b}"))["status"]!.GetValue<string>());
        // The provider still answers 海淀's request, and reviewing passes to 海淀, where it stands.
        Assert.Equal(HttpStatusCode.OK, (await provider.PostJsonAsync($"/api/bookings/{b}/confirm", null)).StatusCode);
        var next = (await (await provider.PostJsonAsync("/api/offerings", Demo.OfferingBody("科普第二课"))).ReadJsonAsync())["id"]!.GetValue<Guid>();
        (await provider.PostJsonAsync($"/api/offerings/{next}/submit", null)).EnsureSuccessStatusCode();
        Assert.Equal("forbidden.offering-review", (await (await dongcheng.PostJsonAsync($"/api/offerings/{next}/approve", null)).AssertProblemAsync(403))["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await haidian.PostJsonAsync($"/api/offerings/{next}/approve", null)).StatusCode);
    }

    /// <summary>Another district where the provider is approved blocks an offering for its schools; the block is its own to lift.</summary>
    [Fact]
    public async Task ADistrictWhereTheProviderIsApproved_BlocksAndUnblocksInItsOwnDistrictOnly()
    {
        var owner = await factory.ClientForAsync("provider1"); // home 朝阳 (110105), approved in the four Beijing districts
        var id = (await (await owner.PostJsonAsync("/api/offerings", Demo.OfferingBody("青少年无人机编程课"))).ReadJsonAsync())["id"]!.GetValue<Guid>();
        (await owner.PostJsonAsync($"/api/offerings/{id}/submit", null)).EnsureSuccessStatusCode();
        (await (await factory.ClientForAsync("bureau-110105")).PostJsonAsync($"/api/offerings/{id}/approve", null)).EnsureSuccessStatusCode();
        var (dongcheng, xicheng) = (await factory.ClientForAsync("bureau-110101"), await factory.ClientForAsync("bureau-110102"));

        await (await dongcheng.PostJsonAsync($"/api/offerings/{id}/block", new { })).AssertProblemAsync(400, "reason");
        var blocked = await (await dongcheng.PostJsonAsync($"/api/offerings/{id}/block", new { reason = "家长投诉，核查期间暂停" })).ReadJsonAsync();
        var block = Assert.Single(blocked["blocks"]!.AsArray())!;
        Assert.Equal(("110101", "Bureau:bureau-110101", "家长投诉，核查期间暂停"), (block["district"]!.GetValue<string>(), block["by"]!.GetValue<string>(), block["reason"]!.GetValue<string>()));
        Assert.Equal("Published", blocked["status"]!.GetValue<string>()); // published elsewhere as before
        Assert.Equal("offering-already-blocked", (await (await dongcheng.PostJsonAsync($"/api/offerings/{id}/block", new { reason = "再次" })).AssertProblemAsync(409))["code"]!.GetValue<string>());
        Assert.Single((await owner.GetJsonAsync($"/api/offerings/{id}"))["blocks"]!.AsArray()); // the owner sees who blocked where
        Assert.Empty((await factory.CreateClient().GetJsonAsync($"/api/offerings/{id}"))["blocks"]!.AsArray());

        // 西城's bureau has no block of its own to lift, and cannot lift 东城's.
        Assert.Equal("offering-not-blocked", (await (await xicheng.PostJsonAsync($"/api/offerings/{id}/unblock", null)).AssertProblemAsync(409))["code"]!.GetValue<string>());
        await (await xicheng.PostJsonAsync($"/api/offerings/{id}/unblock", new { district = "110101" })).AssertProblemAsync(403);
        // A district where provider3 is not approved (西城: pending there) cannot block its offerings.
        var provider3 = await factory.ClientForAsync("provider3");
        var (other, _) = await provider3.BookableSessionAsync(minFree: 1);
        Assert.Equal("forbidden.offering-block", (await (await xicheng.PostJsonAsync($"/api/offerings/{other["id"]}/block", new { reason = "x" })).AssertProblemAsync(403))["code"]!.GetValue<string>());

        var lifted = await (await dongcheng.PostJsonAsync($"/api/offerings/{id}/unblock", null)).ReadJsonAsync();
        Assert.Empty(lifted["blocks"]!.AsArray());
    }

    /// <summary>Every vetting decision (provider approve/reject/suspend, offering approve/block/unblock) is in the audit trail of the
    /// district it was taken in, in the decision's own commit: who, what, which provider or offering, and the reason written.</summary>
    [Fact]
    public async Task VettingDecisions_AreAudited_InTheDistrictTheyWereTakenIn()
    {
        var (id, provider) = await RegisterAsync();
        var (dongcheng, haidian) = (await factory.ClientForAsync("bureau-110101"), await factory.ClientForAsync("bureau-110108"));
        (await dongcheng.PostJsonAsync($"/api/providers/{id}/approve", new { note = "材料齐全" })).EnsureSuccessStatusCode();
        (await haidian.PostJsonAsync($"/api/providers/{id}/reject", new { reason = "场地证明缺失" })).EnsureSuccessStatusCode();
        var offering = (await (await provider.PostJsonAsync("/api/offerings", Demo.OfferingBody("审计用科普课"))).ReadJsonAsync())["id"]!.GetValue<Guid>();
        (await provider.PostJsonAsync($"/api/offerings/{offering}/submit", null)).EnsureSuccessStatusCode();
        (await dongcheng.PostJsonAsync($"/api/offerings/{offering}/approve", new { note = "内容合规" })).EnsureSuccessStatusCode();
        (await dongcheng.PostJsonAsync($"/api/offerings/{offering}/block", new { reason = "核查期间暂停" })).EnsureSuccessStatusCode();
        (await dongcheng.PostJsonAsync($"/api/offerings/{offering}/unblock", null)).EnsureSuccessStatusCode();
        (await dongcheng.PostJsonAsync($"/api/providers/{id}/suspend", new { reason = "安全隐患整改" })).EnsureSuccessStatusCode();

        static async Task<List<(string Action, string Kind, string Target, string? Detail)>> TrailAsync(HttpClient client, string district, Guid org) =>
            (await client.GetJsonAsync($"/api/audit?district={district}&organisationId={org}&limit=50")).AsArray()
                .Select(e => (e!["action"]!.GetValue<string>(), e["targetKind"]!.GetValue<string>(), e["targetId"]!.GetValue<string>(), e["detail"]?.GetValue<string>()))
                .Reverse().ToList();
        var (p, o) = (id.ToString(), offering.ToString());
        Assert.Equal(
            [("provider.approve", "provider", p, "材料齐全"), ("offering.approve", "offering", o, "内容合规"), ("offering.block", "offering", o, "核查期间暂停"),
             ("offering.unblock", "offering", o, null), ("provider.suspend", "provider", p, "安全隐患整改")],
            await TrailAsync(dongcheng, "110101", id));
        Assert.Equal([("provider.reject", "provider", p, "场地证明缺失")], await TrailAsync(haidian, "110108", id));
        Assert.Equal(5, (await TrailAsync(await factory.ClientForAsync("city-1101"), "110101", id)).Count); // the city bureau reads its districts' trails
        var actor = (await dongcheng.GetJsonAsync($"/api/audit?district=110101&organisationId={id}&limit=1")).AsArray()[0]!["actor"]!.GetValue<string>();
        Assert.Equal("Bureau:bureau-110101", actor);
    }

    /// <summary>A bureau stored with two districts (before a district bureau had exactly one) must name the district it decides.</summary>
    [Fact]
    public async Task ABureauSharingSeveralDistrictsWithTheProvider_MustNameTheDistrict()
    {
        var store = factory.Services.GetRequiredService<IMarketplaceStore>();
        var hashing = factory.Services.GetRequiredService<IPasswordHashing>();
        var bureau = new Bureau(Ids.New(), "东城海淀联合教育局", ["110101", "110108"]);
        var username = "joint-" + Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await store.CommitAsync(new StoreChanges().Insert(bureau).Insert(new User(Ids.New(), username, hashing.Hash(MarketplaceFactory.Password), Role.Bureau, bureau.Id, "联合科")));
        var joint = await factory.ClientForAsync(username);
        var (id, _) = await RegisterAsync();

        var problem = await (await joint.PostJsonAsync($"/api/providers/{id}/approve", new { note = "同意" })).AssertProblemAsync(400, "district");
        Assert.Equal("vetting.district-required", problem["codes"]!["district"]![0]!.GetValue<string>());
        Assert.Equal(new Dictionary<string, string> { ["110101"] = "Pending", ["110108"] = "Pending" }, Entries(await joint.GetJsonAsync($"/api/providers/{id}")));

        var decided = await (await joint.PostJsonAsync($"/api/providers/{id}/approve", new { note = "同意", district = "110108" })).ReadJsonAsync();
        Assert.Equal(new Dictionary<string, string> { ["110101"] = "Pending", ["110108"] = "Approved" }, Entries(decided));
        await (await joint.PostJsonAsync($"/api/providers/{id}/approve", new { district = "330106" })).AssertProblemAsync(403);
    }
}
