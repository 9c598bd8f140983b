using Microsoft.AspNetCore.Localization;

namespace Marketplace.Api.Localization;

/// <summary>
/// One language per response: zh-CN unless the request asks for English (Accept-Language: en…, or ?culture=en for
/// a browser's WebSocket; the web UI: its language cookie, else zh-CN). Messages come from .resx through <see cref="MessageRenderer"/>; responses say which language
/// they are in with Content-Language.
/// </summary>
public static class LocalizationSetup
{
    public const string Default = "zh-CN";
    public static readonly string[] Supported = [Default, "en"];

    public static IServiceCollection AddMarketplaceLocalization(this IServiceCollection s)
    {
        s.AddLocalization();
        s.AddSingleton<MessageRenderer>();
        s.Configure<RequestLocalizationOptions>(o =>
        {
            o.SetDefaultCulture(Default).AddSupportedCultures(Supported).AddSupportedUICultures(Supported);
            o.FallBackToParentCultures = true;   // en-GB → en
            o.FallBackToParentUICultures = true;
            o.ApplyCurrentCultureToResponseHeaders = true; // Content-Language
            // Query string (?culture=en: a browser's WebSocket cannot set headers), then for the web UI its language cookie
            // (zh-CN until the user switches: a browser's Accept-Language does not decide), for the API Accept-Language.
            o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CustomRequestCultureProvider(WebUiCulture), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        return s;
    }

    /// <summary>The web UI's language: the switch's cookie, else zh-CN. No answer for the API and the hub (Accept-Language decides there).</summary>
    private static Task<ProviderCultureResult?> WebUiCulture(HttpContext http)
    {
        if (Auth.AuthSetup.IsApiPath(http.Request.Path)) return Task.FromResult<ProviderCultureResult?>(null);
        var chosen = http.Request.Cookies[Web.AccountForms.CultureCookie] is { } cookie ? CookieRequestCultureProvider.ParseCookieValue(cookie) : null;
        return Task.FromResult<ProviderCultureResult?>(chosen ?? new ProviderCultureResult(Default));
    }

    /// <summary>Before the exception handler and status-code pages, so their problems are written in the request's language.</summary>
    public static void UseMarketplaceLocalization(this IApplicationBuilder app) => app.UseRequestLocalization();

}
