using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Identity;

/// <summary>A person who signs in; bound to exactly one organisation (provider, school or bureau).</summary>
public sealed partial class User : IAggregate
{
    [JsonConstructor]
    private User() { }

    public User(Guid id, string username, string passwordHash, Role role, Guid organizationId, string displayName, OrgRole orgRole = OrgRole.Admin)
    {
        Id = id; Username = username; PasswordHash = passwordHash; Role = role; OrganizationId = organizationId; DisplayName = displayName;
        OrgRole = orgRole;
    }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public string Username { get; private set; } = "";
    [JsonInclude] public string PasswordHash { get; private set; } = "";
    [JsonInclude] public Role Role { get; private set; }
    [JsonInclude] public Guid OrganizationId { get; private set; }
    [JsonInclude] public string DisplayName { get; private set; } = "";

    /// <summary>Admin manages the organisation's users; users stored before this existed load as Admin (each was its organisation's first).</summary>
    [JsonInclude] public OrgRole OrgRole { get; private set; }

    /// <summary>Disabled by its organisation's admin or the administrator: signs in no more, its tokens are refused.</summary>
    [JsonInclude] public bool Disabled { get; private set; }

    /// <summary>Its whole organisation is disabled (set on each of its users in the same commit).</summary>
    [JsonInclude] public bool OrganizationDisabled { get; private set; }

    /// <summary>Wrong passwords in a row since the last success or unlock (lockout).</summary>
    [JsonInclude] public int FailedSignIns { get; private set; }

    [JsonInclude] public DateTimeOffset? LockedUntil { get; private set; }

    /// <summary>Written into each token; a new one on every password change, reset or disable refuses the older tokens.
    /// <see cref="Guid.Empty"/> for users stored before this existed (and in tokens that carry none).</summary>
    [JsonInclude] public Guid SecurityStamp { get; private set; }

    /// <summary>Set by a reset or an activation code: every write but the password change is refused until it is changed.</summary>
    [JsonInclude] public bool MustChangePassword { get; private set; }

    /// <summary>SHA-256 (hex) of a one-time activation code, for a user created without a password (school import).</summary>
    [JsonInclude] public string? ActivationHash { get; private set; }

    [JsonInclude] public DateTimeOffset? ActivationExpiresAt { get; private set; }

    public static string NormalizeUsername(string username) => username.Trim().ToLowerInvariant();
}

/// <summary>Port: a standard password hasher (the host supplies ASP.NET Core Identity's).</summary>
public interface IPasswordHashing
{
    string Hash(string password);
    bool Verify(string hash, string password);
}
