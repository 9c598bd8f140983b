using System.Security.Claims;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Auth;

public static class CallerClaims
{
    public const string Organization = "org";
    public const string District = "district";

    /// <summary>The signed-in caller, or null for an anonymous request.</summary>
    public static Caller? ToCaller(this ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true) return null;
        return new Caller(
            Guid.Parse(user.FindFirstValue("sub")!), user.FindFirstValue("name") ?? "",
            Enum.Parse<Role>(user.FindFirstValue("role")!), Guid.Parse(user.FindFirstValue(Organization)!),
            user.FindAll(District).Select(c => c.Value).ToArray());
    }

    public static Caller RequireCaller(this ClaimsPrincipal user) =>
        user.ToCaller() ?? throw new InvalidOperationException("The endpoint requires authorization but has no signed-in caller.");
}
