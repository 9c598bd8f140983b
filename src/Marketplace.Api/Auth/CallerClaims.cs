using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Auth;

public static class CallerClaims
{
    public const string Organization = "org";
    public const string District = "district";

    /// <summary>The user's role within its organisation (<see cref="Core.Shared.OrgRole"/>); tokens from before it existed read as Staff.</summary>
    public const string OrgRole = "org_role";

    /// <summary>The user's security stamp when the token was issued (GUID, N format); tokens from before it existed read as empty.</summary>
    public const string Stamp = "stamp";

    /// <summary>The signed-in caller, or null for an anonymous request.</summary>
    public static Caller? ToCaller(this ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true) return null;
        // OnTokenValidated refuses a token that TryRead cannot read, so no signed-in request gets here without a caller.
        return TryRead(user, out var caller) ? caller : throw new InvalidOperationException("The signed-in principal has unreadable caller claims.");
    }

    public static Caller RequireCaller(this ClaimsPrincipal user) =>
        user.ToCaller() ?? throw new InvalidOperationException("The endpoint requires authorization but has no signed-in caller.");

    /// <summary>The signed-in caller with the address the request came from (after the trusted-proxy rules), for the audit.</summary>
    public static Caller RequireCaller(this HttpContext http) =>
        http.User.RequireCaller() with { Address = http.Connection.RemoteIpAddress?.ToString() };

    /// <summary>The security stamp the token was issued with; <see cref="Guid.Empty"/> for a token without one.</summary>
    public static Guid StampOf(ClaimsPrincipal user) =>
        Single(user, Stamp) is { } stamp && Guid.TryParseExact(stamp, "N", out var value) ? value : Guid.Empty;

    /// <summary>
    /// Exactly one user id and one organisation (GUIDs) and exactly one role spelled as the role enum names it. A role
    /// of "1" or "School,Bureau" would parse to some role with Enum.Parse, and two role claims could satisfy one policy
    /// while the use case sees the other; such a token is unreadable, not a guess. <c>org_role</c> and <c>stamp</c> are
    /// optional (tokens issued before them keep working until they expire) but, when present, at most one each and well-formed.
    /// </summary>
    public static bool TryRead(ClaimsPrincipal user, [NotNullWhen(true)] out Caller? caller)
    {
        caller = null;
        if (Single(user, "sub") is not { } sub || !Guid.TryParseExact(sub, "D", out var userId)) return false;
        if (Single(user, Organization) is not { } org || !Guid.TryParseExact(org, "D", out var organizationId)) return false;
        if (Single(user, "role") is not { } roleName || !Enum.GetNames<Role>().Contains(roleName, StringComparer.Ordinal)) return false;
        var orgRole = Core.Shared.OrgRole.Staff;
        switch (user.FindAll(OrgRole).Take(2).ToList())
        {
            case []: break;
            case [var only] when Enum.GetNames<OrgRole>().Contains(only.Value, StringComparer.Ordinal): orgRole = Enum.Parse<OrgRole>(only.Value); break;
            default: return false;
        }
        switch (user.FindAll(Stamp).Take(2).ToList())
        {
            case []: break;
            case [var only] when Guid.TryParseExact(only.Value, "N", out _): break;
            default: return false;
        }
        caller = new Caller(userId, user.FindFirstValue("name") ?? "", Enum.Parse<Role>(roleName), organizationId,
            user.FindAll(District).Select(c => c.Value).ToArray(), orgRole);
        return true;
    }

    private static string? Single(ClaimsPrincipal user, string type) =>
        user.FindAll(type).Take(2).ToList() is [var only] ? only.Value : null;
}
