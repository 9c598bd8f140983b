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
            .WithSummary("登录 / Exchange a username and password for a JWT (roles Provider, School, Bureau).")
            .RequireRateLimiting(Hosting.RateLimits.Login).ProducesProblem(401);
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueToken(
        TokenRequest request, UserQueries users, TokenIssuer issuer, HttpContext http, CancellationToken ct)
    {
        var signedIn = await users.SignInAsync(request.Username, request.Password, ct);
        return signedIn is null
            ? TypedResults.Problem(statusCode: 401, title: http.Render(new("auth.invalid-credentials")))
            : TypedResults.Ok(issuer.Issue(signedIn.User, signedIn.Districts));
    }
}
