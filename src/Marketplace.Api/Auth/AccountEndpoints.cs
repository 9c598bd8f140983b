using Marketplace.Core.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Auth;

/// <summary>The signed-in user's own account.</summary>
public static class AccountEndpoints
{
    internal static void Map(IEndpointRouteBuilder app)
    {
        app.MapPut(CallerStandingMiddleware.PasswordPath, ChangePassword).WithName("ChangeOwnPassword").WithTags("Auth").RequireAuthorization()
            .RequireRateLimiting(Hosting.RateLimits.Login) // each one checks a password: the sign-in's budget
            .WithSummary("修改本人密码（须提供当前密码），返回新令牌，其他令牌随即失效 / Change one's own password, proving the current one; answers a new token, and every other token of the user is refused from now on.");
    }

    private static async Task<Ok<TokenResponse>> ChangePassword(ChangePasswordRequest request, HttpContext http, UserCommands commands,
        TokenIssuer issuer, StandingCache standings, CancellationToken ct)
    {
        var caller = http.RequireCaller();
        var user = await commands.ChangeOwnPasswordAsync(caller, request, ct);
        standings.Remember(user);
        return TypedResults.Ok(issuer.Issue(user, caller.Districts));
    }
}
