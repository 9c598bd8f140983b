using Marketplace.Api.Seed;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Marketplace.Api.Hosting;

/// <summary>What a newcomer needs after `dotnet run`: where to click and how to sign in.</summary>
internal static class StartupBanner
{
    public static void Print(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var url = (addresses.FirstOrDefault() ?? "http://localhost:5080").Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal);
        var settings = app.Services.GetRequiredService<Configuration.MarketplaceSettings>();
        Console.WriteLine($$"""

            课后服务资源对接平台 · After-school resource marketplace ({{app.Environment.EnvironmentName}})
              Web:       {{url}}/
              API docs:  {{url}}/docs   (OpenAPI: {{url}}/openapi/v1.json)
              Health:    {{url}}/health/ready
              Data:      {{settings.DataDirectory}}   (store {{settings.Store}}, search {{settings.Search}})
            Demo logins (password {{DemoCatalog.Password}}):
              bureau-110101 … bureau-510108   区县教育局 / one district's bureau, by district code ({{string.Join(", ", DemoCatalog.Districts.Take(2).Select(d => $"bureau-{d.District.Code} {d.District.Name}"))}} …)
              city-1101, city-3301, city-5101 市教育局 / city bureaus (read only)
              admin                        平台管理员 / platform administrator
              provider1 … provider{{DemoCatalog.Providers.Length - DemoSeeder.PendingProviders,-3}}           approved providers (provider{{DemoCatalog.Providers.Length - 1}}, provider{{DemoCatalog.Providers.Length}} are pending review)
              school1 … school{{DemoSeeder.SchoolCount}}               schools
              guardian1 … guardian{{DemoFamilies.Guardians}}           家长 / guardians (web /guardian, phone-first), also by phone 13800000001 …; school1 has an open selection window
              POST {{url}}/api/auth/token  {"username":"school1","password":"{{DemoCatalog.Password}}"}

            """);
    }
}
