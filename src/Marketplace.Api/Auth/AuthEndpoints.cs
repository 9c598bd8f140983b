using Marketplace.Api.Localization;
using Marketplace.Core.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Auth;

public sealed record TokenRequest(string? Username, string? Password);

public static class AuthEndpoints
{
    internal static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/auth/token", IssueToken).WithName("IssueToken").WithTags("Auth").AllowAnonymous()
            .WithSummary("登录 / Exchange a username and password (or a one-time activation code) for a JWT; after repeated wrong passwords the account is locked for a while (Marketplace:Lockout).")
            .RequireRateLimiting(Hosting.RateLimits.Login).ProducesProblem(401);
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueToken(
        TokenRequest request, UserQueries users, TokenIssuer issuer, StandingCache standings, HttpContext http, CancellationToken ct)
    {
        // One answer for an unknown name, a wrong password, a locked account and a disabled user or organisation.
        var signedIn = await users.SignInAsync(request.Username, request.Password, ct);
        if (signedIn is null) return TypedResults.Problem(statusCode: 401, title: http.Render(new("auth.invalid-credentials")));
        standings.Remember(signedIn.User); // just read: the token's first requests need no second read
        return TypedResults.Ok(issuer.Issue(signedIn.User, signedIn.Districts));
    }
}
