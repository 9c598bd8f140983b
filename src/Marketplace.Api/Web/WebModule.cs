using AntDesign;
using Marketplace.Api.Configuration;
using Microsoft.AspNetCore.DataProtection;
using Marketplace.Api.Outbox;
using Marketplace.Api.Web.Components;

namespace Marketplace.Api.Web;

/// <summary>
/// The web UI: a Blazor Web App (interactive server rendering) with AntDesign, served by this host at "/". Pages call the
/// Core use cases with the signed-in caller (cookie sign-in, <see cref="AccountForms"/>), so no rule exists twice; live
/// changes come from the outbox (<see cref="UiLiveConsumer"/>). Every asset comes from this host (no CDN).
/// </summary>
public static class WebModule
{
    public static IServiceCollection AddWeb(this IServiceCollection services, MarketplaceSettings settings)
    {
        // The sign-in and antiforgery cookies are encrypted with these keys: every replica must read the same folder
        // (docker-compose mounts one volume into both), or a browser signed in on one is a stranger to the other.
        services.AddDataProtection().SetApplicationName("marketplace").PersistKeysToFileSystem(new DirectoryInfo(settings.DataProtectionKeysPath));
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddAntDesign();
        services.AddCascadingAuthenticationState();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, StandingRevalidation>();
        services.AddAntiforgery(o => o.Cookie.Name = "marketplace.antiforgery");
        // Chinese as text, not as &#x...; entities (the pages are UTF-8): smaller pages that read well in view-source.
        services.AddSingleton(System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All));
        services.AddScoped<UiSession>();
        services.AddSingleton<LiveUpdates>();
        services.AddSingleton<IOutboxConsumer, UiLiveConsumer>();
        return services;
    }

    /// <summary>After authentication and authorization (antiforgery checks the signed-in user's token).</summary>
    public static void MapWeb(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapStaticAssets().AllowAnonymous();
        AccountForms.Map(app);
        StatementDownloads.Map(app);
        ReportDownloads.Map(app);
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }
}
