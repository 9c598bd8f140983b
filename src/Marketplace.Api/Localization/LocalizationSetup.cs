using Microsoft.AspNetCore.Localization;

namespace Marketplace.Api.Localization;

/// <summary>
/// One language per response: zh-CN unless the request asks for English (Accept-Language: en…, or ?culture=en for
/// a browser's WebSocket). Messages come from .resx through <see cref="MessageRenderer"/>; responses say which language
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
            // Query string (?culture=en: a browser's WebSocket cannot set headers) and Accept-Language; no cookie.
            o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        return s;
    }

    /// <summary>Before the exception handler and status-code pages, so their problems are written in the request's language.</summary>
    public static void UseMarketplaceLocalization(this IApplicationBuilder app) => app.UseRequestLocalization();

}
