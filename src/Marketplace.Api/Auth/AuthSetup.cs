using System.Security.Cryptography;
using System.Text;
using Marketplace.Api.Configuration;
using Marketplace.Core.Identity;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.Api.Auth;

public static class AuthSetup
{
    public const string Issuer = "marketplace";
    public const string SchoolPolicy = nameof(Role.School);
    public const string ProviderPolicy = nameof(Role.Provider);
    public const string BureauPolicy = nameof(Role.Bureau);

    /// <summary>What bureaus read: a district bureau its district, a city bureau its city's districts (read only).</summary>
    public const string OversightPolicy = "Oversight";

    public const string AdministratorPolicy = nameof(Role.Administrator);
    public const string GuardianPolicy = nameof(Role.Guardian);

    /// <summary>The web UI's sign-in (an HttpOnly cookie with the token's claims).</summary>
    public const string CookieScheme = "Cookies";

    private const string ApiOrBrowserScheme = "ApiOrBrowser";

    /// <summary>Paths that take a bearer token (the JSON API, the SignalR hub); the rest is the web UI.</summary>
    public static bool IsApiPath(PathString path) => path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs");

    public static IServiceCollection AddMarketplaceAuth(this IServiceCollection services, MarketplaceSettings settings)
    {
        var key = new SymmetricSecurityKey(LoadSigningKey(settings));
        services.AddSingleton(sp => new TokenIssuer(key, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IPasswordHashing, IdentityPasswordHashing>();
        services.AddSingleton<UserQueries>();
        services.AddAuthentication(o => o.DefaultScheme = ApiOrBrowserScheme)
            // The API and the hub take bearer tokens only; everything else (the web UI) a cookie. A cookie never signs in
            // an API request, so no API call can be forged from another site with the browser's cookie (no CSRF there).
            .AddPolicyScheme(ApiOrBrowserScheme, null, o => o.ForwardDefaultSelector = http =>
                IsApiPath(http.Request.Path) ? JwtBearerDefaults.AuthenticationScheme : CookieScheme)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "marketplace.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // intranets often serve plain HTTP behind the proxy
                o.LoginPath = "/login";
                o.ReturnUrlParameter = "returnUrl";
                o.AccessDeniedPath = "/denied";
                o.ExpireTimeSpan = TokenIssuer.Lifetime;
                o.SlidingExpiration = true;
                // The same standing as a token's (CallerStandingMiddleware): a disabled user or organisation, or a changed
                // password, signs the browser out on its next request.
                o.Events.OnValidatePrincipal = async ctx =>
                {
                    if (ctx.Principal is null || !CallerClaims.TryRead(ctx.Principal, out var caller))
                    {
                        ctx.RejectPrincipal();
                        return;
                    }
                    var standing = await ctx.HttpContext.RequestServices.GetRequiredService<StandingCache>().GetAsync(caller.UserId, ctx.HttpContext.RequestAborted);
                    if (!standing.Active || standing.Stamp != CallerClaims.StampOf(ctx.Principal))
                    {
                        ctx.RejectPrincipal();
                        await ctx.HttpContext.SignOutAsync(CookieScheme);
                    }
                };
            })
            .AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            // A failed token gets a plain "WWW-Authenticate: Bearer", not which check failed (signature, lifetime …).
            o.IncludeErrorDetails = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = Issuer, ValidAudience = Issuer, IssuerSigningKey = key,
                NameClaimType = "name", RoleClaimType = "role", ClockSkew = TimeSpan.FromSeconds(30),
            };
            // Browsers cannot set headers on WebSockets: SignalR sends the token in the query string.
            o.Events = new JwtBearerEvents
            {
                OnMessageReceived = ctx =>
                {
                    if (ctx.Request.Path.StartsWithSegments("/hubs") && ctx.Request.Query["access_token"] is { Count: > 0 } token)
                        ctx.Token = token;
                    return Task.CompletedTask;
                },
                // A signed token whose caller claims cannot be read is no sign-in at all: 401, and no endpoint ever sees it.
                OnTokenValidated = ctx =>
                {
                    if (ctx.Principal is null || !CallerClaims.TryRead(ctx.Principal, out _)) ctx.Fail("The token's caller claims are unreadable.");
                    return Task.CompletedTask;
                },
            };
        });
        services.AddAuthorizationBuilder()
            // An endpoint that forgets to declare its policy is closed, not open.
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(SchoolPolicy, p => p.RequireRole(nameof(Role.School)))
            .AddPolicy(ProviderPolicy, p => p.RequireRole(nameof(Role.Provider)))
            .AddPolicy(BureauPolicy, p => p.RequireRole(nameof(Role.Bureau)))
            .AddPolicy(OversightPolicy, p => p.RequireRole(nameof(Role.Bureau), nameof(Role.CityBureau)))
            .AddPolicy(AdministratorPolicy, p => p.RequireRole(nameof(Role.Administrator)))
            .AddPolicy(GuardianPolicy, p => p.RequireRole(nameof(Role.Guardian)));
        return services;
    }

    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        AuthEndpoints.Map(app);
        AccountEndpoints.Map(app);
        return app;
    }

    /// <summary>The configured key, or in Development one generated once into the data folder (never committed).</summary>
    private static byte[] LoadSigningKey(MarketplaceSettings settings)
    {
        if (settings.JwtSigningKey is { } configured) return Encoding.UTF8.GetBytes(configured);
        var path = Path.Combine(settings.DataDirectory, "jwt-signing.key");
        if (File.Exists(path)) return Convert.FromBase64String(File.ReadAllText(path).Trim());
        Directory.CreateDirectory(settings.DataDirectory);
        var bytes = RandomNumberGenerator.GetBytes(64);
        File.WriteAllText(path, Convert.ToBase64String(bytes));
        return bytes;
    }
}

internal sealed class IdentityPasswordHashing : IPasswordHashing
{
    private static readonly PasswordHasher<object> Hasher = new();
    private static readonly object Subject = new();

    public string Hash(string password) => Hasher.HashPassword(Subject, password);

    public bool Verify(string hash, string password) =>
        Hasher.VerifyHashedPassword(Subject, hash, password) is PasswordVerificationResult.Success or PasswordVerificationResult.SuccessRehashNeeded;
}
