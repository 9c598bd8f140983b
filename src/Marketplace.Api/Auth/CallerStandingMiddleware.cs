using Marketplace.Api.Errors;
using Marketplace.Api.Localization;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Auth;

/// <summary>
/// A token says who the caller was when it was issued; this says whether it still counts. On every request that carries a
/// valid token (the hub's negotiate and connect included), the user's standing (<see cref="StandingCache"/>): a disabled user
/// or organisation, or a stamp that differs from the token's (password changed or reset, user disabled), answers 401
/// <c>token-revoked</c>; a user who must change the password may only do that (403 <c>password-change-required</c> on every
/// other write). Runs after authentication, before authorization.
/// </summary>
public sealed class CallerStandingMiddleware(RequestDelegate next)
{
    public const string PasswordPath = "/api/account/password";

    public async Task InvokeAsync(HttpContext http, StandingCache standings)
    {
        if (http.User.Identity?.IsAuthenticated == true && CallerClaims.TryRead(http.User, out var caller))
        {
            var standing = await standings.GetAsync(caller.UserId, http.RequestAborted);
            if (!standing.Active || standing.Stamp != CallerClaims.StampOf(http.User))
            {
                http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
                await RefuseAsync(http, 401, "token-revoked");
                return;
            }
            if (standing.MustChangePassword && AuthSetup.IsApiPath(http.Request.Path) && !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method)
                && !HttpMethods.IsOptions(http.Request.Method) && !http.Request.Path.Equals(PasswordPath, StringComparison.OrdinalIgnoreCase))
            {
                await RefuseAsync(http, 403, "password-change-required");
                return;
            }
        }
        await next(http);
    }

    private static Task RefuseAsync(HttpContext http, int status, string code)
    {
        var problem = new ProblemDetails { Status = status, Title = ProblemTitles.Of(http, status), Detail = http.Render(new UserMessage(code)) };
        problem.Extensions["code"] = code;
        return Problems.WriteAsync(http, problem);
    }
}
