using Marketplace.Api.Configuration;
using Marketplace.Api.Seed;

namespace Marketplace.Api.Hosting;

/// <summary>The page at "/": links to the API docs and health; the demo accounts only where the demo is seeded.</summary>
internal static class LandingPage
{
    private static readonly Lazy<string> Template = new(() =>
    {
        using var stream = typeof(LandingPage).Assembly.GetManifestResourceStream("Marketplace.Api.Hosting.landing.html")
            ?? throw new InvalidOperationException("The landing page is not embedded in the host assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private static readonly string DemoCard = $"""
        <div class="card">
              <h2>演示账号 <span class="en">Demo accounts (Development only)</span></h2>
              <p>区县教育局 <code>bureau-110101</code>…（每区一个，如东城 <code>bureau-110101</code>），市级教育局 <code>city-1101</code>、<code>city-3301</code>、<code>city-5101</code>，
                平台管理员 <code>admin</code>，服务机构 <code>provider1</code>…，学校 <code>school1</code>…，密码均为 <code>{DemoCatalog.Password}</code>。</p>
            </div>
        """;

    public static void MapLandingPage(this WebApplication app)
    {
        var html = Template.Value.Replace("<!--demo-accounts-->", app.Services.GetRequiredService<MarketplaceSettings>().SeedDemo ? DemoCard : "", StringComparison.Ordinal);
        app.MapGet("/", () => Results.Content(html, "text/html; charset=utf-8")).ExcludeFromDescription().AllowAnonymous();
    }
}
