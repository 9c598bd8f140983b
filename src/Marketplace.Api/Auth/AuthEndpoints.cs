using Marketplace.Core.Identity;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Auth;

public sealed record TokenRequest(string? Username, string? Password);

public static class AuthEndpoints
{
    public static void MapAuth(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/auth/token", IssueToken).WithName("IssueToken").WithTags("Auth").AllowAnonymous()
            .WithSummary("登录 / Exchange a username and password for a JWT (roles Provider, School, Bureau).")
            .RequireRateLimiting(Hosting.RateLimits.Login);
    }

    private static readonly Lazy<string> UnknownUserHash = new(() => new IdentityPasswordHashing().Hash(Guid.NewGuid().ToString()));

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueToken(
        TokenRequest request, IMarketplaceStore store, IPasswordHashing hashing, TokenIssuer issuer, CancellationToken ct)
    {
        new Validator().Text(request.Username, "username", 100).Text(request.Password, "password", 200).ThrowIfInvalid();
        var user = await store.FindUserAsync(request.Username!, ct);
        // An unknown name costs the same hash as a known one: the answer's timing must not tell which names exist.
        if (!hashing.Verify(user?.PasswordHash ?? UnknownUserHash.Value, request.Password!) || user is null)
            return TypedResults.Problem(statusCode: 401, title: "用户名或密码错误 / Invalid username or password.");
        IReadOnlyList<string> districts = user.Role == Role.Bureau
            ? (await store.FindAsync<Bureau>(user.OrganizationId, ct))?.Districts ?? []
            : [];
        return TypedResults.Ok(issuer.Issue(user, districts));
    }
}
