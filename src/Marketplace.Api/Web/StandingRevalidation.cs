using System.Security.Claims;
using Marketplace.Api.Auth;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace Marketplace.Api.Web;

/// <summary>
/// An open page (a circuit) re-checks its user's standing every 30 s: a user disabled, an organisation disabled or a password
/// changed meanwhile turns the page signed-out (the router sends it to the login page), even when the page does nothing.
/// Each use case a page runs checks first as well (<see cref="WorkspaceComponent"/>).
/// </summary>
internal sealed class StandingRevalidation(ILoggerFactory loggerFactory, IServiceScopeFactory scopes)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => StandingCache.Lifetime;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
    {
        if (state.User.Identity?.IsAuthenticated != true) return true;
        if (!CallerClaims.TryRead(state.User, out var caller)) return false;
        await using var scope = scopes.CreateAsyncScope();
        var standing = await scope.ServiceProvider.GetRequiredService<StandingCache>().GetAsync(caller.UserId, ct);
        return standing.Active && standing.Stamp == CallerClaims.StampOf(state.User);
    }
}
