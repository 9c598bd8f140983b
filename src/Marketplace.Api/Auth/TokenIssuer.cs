using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using Marketplace.Core.Identity;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.Api.Auth;

/// <summary>The token and who it is for: <see cref="OrgRole"/> within the organisation, <see cref="MustChangePassword"/> (only
/// <c>PUT /api/account/password</c> is allowed until it is changed) and the districts a bureau acts for.</summary>
public sealed record TokenResponse(
    string AccessToken, DateTimeOffset ExpiresAt, string Role, Guid OrganizationId, string DisplayName,
    string OrgRole, bool MustChangePassword, IReadOnlyList<string> Districts);

public sealed class TokenIssuer(SymmetricSecurityKey key, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    public TokenResponse Issue(User user, IReadOnlyList<string> districts)
    {
        var now = clock.GetUtcNow();
        var expires = now + Lifetime;
        var token = new JwtSecurityToken(AuthSetup.Issuer, AuthSetup.Issuer, ClaimsOf(user, districts), now.UtcDateTime, expires.UtcDateTime,
            new SigningCredentials(key, SecurityAlgorithms.HmacSha256));
        return new TokenResponse(new JwtSecurityTokenHandler().WriteToken(token), expires, user.Role.ToString(), user.OrganizationId, user.DisplayName,
            user.OrgRole.ToString(), user.MustChangePassword, districts);
    }

    /// <summary>Who the caller is, as <see cref="CallerClaims"/> reads it: the same claims in a JWT and in the web UI's cookie.</summary>
    public static List<Claim> ClaimsOf(User user, IReadOnlyList<string> districts) =>
    [
        new("sub", user.Id.ToString()), new("name", user.Username), new("role", user.Role.ToString()),
        new(CallerClaims.Organization, user.OrganizationId.ToString()), new("display_name", user.DisplayName),
        new(CallerClaims.OrgRole, user.OrgRole.ToString()), new(CallerClaims.Stamp, user.SecurityStamp.ToString("N")),
        .. districts.Select(d => new Claim(CallerClaims.District, d)),
    ];
}
