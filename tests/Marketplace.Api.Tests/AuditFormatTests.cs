using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests;

/// <summary>Audit trails name who acted as "Role:username", in seeded and live records alike (issue 11).</summary>
public class AuditFormatTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    [Fact]
    public async Task SeededProvider_HasTheSameAuditFormat_AsALiveRegistrationAndDecision()
    {
        var bureau = await factory.ClientForAsync("bureau-110101");
        var seeded = (await bureau.GetJsonAsync("/api/providers?status=Approved")).AsArray()
            .Select(p => p!["decisions"]!.AsArray().Select(d => d!["by"]!.GetValue<string>()).ToArray()).First();
        Assert.Matches("^Provider:provider[0-9]+$", seeded[0]);
        Assert.Matches("^Bureau:bureau-[0-9]{6}$", seeded[1]); // each district's own bureau decides (issue 12)

        var registered = await (await factory.CreateClient().PostJsonAsync("/api/providers", new
        {
            name = "海淀区青少年活动中心", kind = "YouthPalace", creditCode = "91350100M000100Y43", contactName = "周老师", contactPhone = "13912345678",
            districts = new[] { "110108" }, username = "haidian-youth", password = "Secret@2026",
        })).ReadJsonAsync();
        Assert.Equal("Provider:haidian-youth", registered["decisions"]!.AsArray()[0]!["by"]!.GetValue<string>());
    }
}
