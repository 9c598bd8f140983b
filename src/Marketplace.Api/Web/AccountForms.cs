using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Api.Localization;
using Marketplace.Core.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Web;

/// <summary>
/// The browser's sign-in, sign-out and language switch: plain HTML form posts (antiforgery checked, as on every form) and a
/// link, so they work before any interactive page has loaded. Sign-in is the API's (<see cref="UserQueries.SignInAsync"/>:
/// lockout, disabled accounts) with the same claims as a token, kept in an HttpOnly cookie.
/// </summary>
internal static class AccountForms
{
    public const string CultureCookie = ".Marketplace.Culture";

    public static void Map(WebApplication app)
    {
        app.MapPost("/account/login", LoginAsync).AllowAnonymous().ExcludeFromDescription().RequireRateLimiting(Hosting.RateLimits.Login);
        app.MapPost("/account/logout", LogoutAsync).ExcludeFromDescription();
        app.MapGet("/account/culture", SetCulture).AllowAnonymous().ExcludeFromDescription();
    }

    private static async Task<IResult> LoginAsync(
        [FromForm] string? username, [FromForm] string? password, [FromForm] string? returnUrl, UserQueries users, StandingCache standings,
        HttpContext http, CancellationToken ct)
    {
        SignedInUser? signedIn;
        try
        {
            signedIn = await users.SignInAsync(username, password, ct);
        }
        catch (Core.Shared.ValidationFailedException)
        {
            signedIn = null; // an empty field: the same answer, the page says which fields are required before posting
        }
        if (signedIn is null)
            return Results.Redirect($"/login?error=invalid&username={Uri.EscapeDataString(username ?? "")}{ReturnPart(returnUrl)}");
        standings.Remember(signedIn.User);
        var identity = new ClaimsIdentity(TokenIssuer.ClaimsOf(signedIn.User, signedIn.Districts), AuthSetup.CookieScheme, "name", "role");
        await http.SignInAsync(AuthSetup.CookieScheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false });
        if (signedIn.User.MustChangePassword) return Results.Redirect("/account/password");
        return Results.Redirect(IsLocal(returnUrl) ? returnUrl! : "/");
    }

    private static async Task<IResult> LogoutAsync(HttpContext http, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        await http.SignOutAsync(AuthSetup.CookieScheme);
        return Results.Redirect("/login");
    }

    /// <summary>Remembers the language for a year (the cookie is read for the web UI only; the API follows Accept-Language).</summary>
    private static IResult SetCulture(string? culture, string? returnUrl, HttpContext http)
    {
        var chosen = LocalizationSetup.Supported.Contains(culture) ? culture! : LocalizationSetup.Default;
        http.Response.Cookies.Append(CultureCookie, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
        return Results.Redirect(IsLocal(returnUrl) ? returnUrl! : "/");
    }

    private static string ReturnPart(string? returnUrl) => IsLocal(returnUrl) ? "&returnUrl=" + Uri.EscapeDataString(returnUrl!) : "";

    /// <summary>Only paths of this host ("/school/bookings"), never "//evil.example" or "/\evil.example".</summary>
    internal static bool IsLocal(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || url[1] is not ('/' or '\\')) && !url.Contains("://", StringComparison.Ordinal);
}
