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

    /// <summary>
    /// A school user's classes (<see cref="ClassKey"/>: "3-2班"), set by the school's admin: as a class teacher it reviews (班级审核)
    /// only these classes' selection applications. Empty for every other user.
    /// </summary>
    [JsonInclude] public IReadOnlyList<string> Classes { get; private set; } = [];

    public static string NormalizeUsername(string username) => username.Trim().ToLowerInvariant();

    /// <summary>Active or Disabled by its organisation's admin or the administrator (an organisation's disabling is separate).</summary>
    [JsonIgnore] public UserStatus Status => Disabled ? UserStatus.Disabled : UserStatus.Active;

    /// <summary>A user created by an administrator or an org admin: a stamp of its own, so that its tokens can be revoked.</summary>
    public static User Create(string username, string passwordHash, Role role, Guid organizationId, string displayName, OrgRole orgRole) =>
        new(Ids.New(), NormalizeUsername(username), passwordHash, role, organizationId, displayName.Trim(), orgRole)
        {
            Version = 1, SecurityStamp = Guid.NewGuid(),
        };


    /// <summary>A class as <see cref="Classes"/> names it: the grade, a hyphen, the class name as the roster has it ("3-2班").</summary>
    public static string ClassKey(int grade, string className) => $"{grade}-{className}";

    public bool Teaches(int grade, string className) => Classes.Contains(ClassKey(grade, className));

    public void AssignClasses(IReadOnlyList<string> classes)
    {
        Classes = classes;
        Version++;
    }

    /// <summary>True when a lock set earlier is still running at <paramref name="now"/>.</summary>
    public bool IsLockedAt(DateTimeOffset now) => LockedUntil is { } until && until > now;

    /// <summary>
    /// One more wrong password. A lock that ran out starts the count again; once the count reaches the policy's maximum the
    /// account is locked. False (nothing changed, nothing to write) while a lock is running: those attempts are not counted.
    /// </summary>
    public bool RecordFailedSignIn(DateTimeOffset now, LockoutPolicy policy)
    {
        if (IsLockedAt(now)) return false;
        if (LockedUntil is not null) (FailedSignIns, LockedUntil) = (0, null);
        FailedSignIns++;
        if (FailedSignIns >= policy.MaxFailures) LockedUntil = now + policy.Duration;
        Version++;
        return true;
    }

    /// <summary>A right password: the count starts again. False when there was nothing to reset (no write needed).</summary>
    public bool RecordSuccessfulSignIn()
    {
        if (FailedSignIns == 0 && LockedUntil is null) return false;
        (FailedSignIns, LockedUntil) = (0, null);
        Version++;
        return true;
    }

    /// <summary>The user's own new password: other tokens are refused from now on (new stamp); an activation code is spent.</summary>
    public void ChangePassword(string passwordHash)
    {
        PasswordHash = passwordHash;
        (MustChangePassword, ActivationHash, ActivationExpiresAt) = (false, null, null);
        NewStamp();
    }

    /// <summary>Set by its org admin or the administrator: the user must change it at the next sign-in; any lock is cleared.</summary>
    public void ResetPassword(string passwordHash, bool mustChange = true)
    {
        PasswordHash = passwordHash;
        (MustChangePassword, ActivationHash, ActivationExpiresAt) = (mustChange, null, null);
        (FailedSignIns, LockedUntil) = (0, null);
        NewStamp();
    }

    public void Disable()
    {
        if (Disabled) throw new TransitionRefusedException("user-transition", UserStatus.Disabled, UserStatus.Disabled);
        Disabled = true;
        NewStamp();
    }

    public void Enable()
    {
        if (!Disabled) throw new TransitionRefusedException("user-transition", UserStatus.Active, UserStatus.Active);
        Disabled = false;
        Version++;
    }

    /// <summary>The administrator's <c>--force</c>: a new password chosen on the command line, unlocked and enabled.</summary>
    public void Restore(string passwordHash)
    {
        Disabled = false;
        ResetPassword(passwordHash, mustChange: false);
    }

    /// <summary>Its organisation was disabled (or enabled again); disabling also refuses every token issued so far.</summary>
    public void SetOrganizationDisabled(bool disabled)
    {
        OrganizationDisabled = disabled;
        if (disabled) NewStamp();
        else Version++;
    }

    private void NewStamp()
    {
        SecurityStamp = Guid.NewGuid();
        Version++;
    }
}

public enum UserStatus { Active, Disabled }

/// <summary>Port: a standard password hasher (the host supplies ASP.NET Core Identity's).</summary>
public interface IPasswordHashing
{
    string Hash(string password);
    bool Verify(string hash, string password);
}
