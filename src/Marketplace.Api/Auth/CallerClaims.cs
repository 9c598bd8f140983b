using System.Diagnostics.CodeAnalysis;
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
        // OnTokenValidated refuses a token that TryRead cannot read, so no signed-in request gets here without a caller.
        return TryRead(user, out var caller) ? caller : throw new InvalidOperationException("The signed-in principal has unreadable caller claims.");
    }

    public static Caller RequireCaller(this ClaimsPrincipal user) =>
        user.ToCaller() ?? throw new InvalidOperationException("The endpoint requires authorization but has no signed-in caller.");

    /// <summary>
    /// Exactly one user id and one organisation (GUIDs) and exactly one role spelled as the role enum names it. A role
    /// of "1" or "School,Bureau" would parse to some role with Enum.Parse, and two role claims could satisfy one policy
    /// while the use case sees the other; such a token is unreadable, not a guess.
    /// </summary>
    public static bool TryRead(ClaimsPrincipal user, [NotNullWhen(true)] out Caller? caller)
    {
        caller = null;
        if (Single(user, "sub") is not { } sub || !Guid.TryParseExact(sub, "D", out var userId)) return false;
        if (Single(user, Organization) is not { } org || !Guid.TryParseExact(org, "D", out var organizationId)) return false;
        if (Single(user, "role") is not { } roleName || !Enum.GetNames<Role>().Contains(roleName, StringComparer.Ordinal)) return false;
        caller = new Caller(userId, user.FindFirstValue("name") ?? "", Enum.Parse<Role>(roleName), organizationId,
            user.FindAll(District).Select(c => c.Value).ToArray());
        return true;
    }

    private static string? Single(ClaimsPrincipal user, string type) =>
        user.FindAll(type).Take(2).ToList() is [var only] ? only.Value : null;
}
