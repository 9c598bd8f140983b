using Marketplace.Core.Shared;

namespace Marketplace.Core.Identity;

public sealed partial class User
{
    /// <summary>
    /// A user created without a password (the school roster import): it signs in once with a one-time activation code, of which only
    /// the SHA-256 is stored (<see cref="ActivationCode"/>), before <paramref name="expiresAt"/>, and must then choose a password.
    /// The empty password hash matches no password.
    /// </summary>
    public static User Invited(Guid id, string username, Role role, Guid organizationId, string displayName, OrgRole orgRole,
        string activationHash, DateTimeOffset expiresAt) =>
        new(id, NormalizeUsername(username), "", role, organizationId, displayName, orgRole)
        {
            ActivationHash = activationHash, ActivationExpiresAt = expiresAt, MustChangePassword = true, SecurityStamp = Guid.NewGuid(),
        };
}
