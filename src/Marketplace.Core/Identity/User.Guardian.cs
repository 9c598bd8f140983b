using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Identity;

/// <summary>
/// A guardian (家长/监护人, issue 18) is a user of role <see cref="Role.Guardian"/>, its own organisation, found again by its mobile
/// phone (unique among users, <see cref="Phone"/>). The school's pupil roster creates it without a password and with a one-time
/// activation code (<see cref="ActivationCode"/>); activating needs that code and a one-time phone code sent to <see cref="Phone"/>.
/// </summary>
public sealed partial class User
{
    public const int PhoneCodeAttempts = 5;
    public static readonly TimeSpan PhoneCodeLifetime = TimeSpan.FromMinutes(10);

    /// <summary>Mobile number (11 digits), guardians only; null for every other user.</summary>
    [JsonInclude] public string? Phone { get; private set; }

    /// <summary>SHA-256 (hex) of the one-time phone code last sent, while an activation waits for it.</summary>
    [JsonInclude] public string? PhoneCodeHash { get; private set; }

    [JsonInclude] public DateTimeOffset? PhoneCodeExpiresAt { get; private set; }

    /// <summary>Wrong phone codes given for the code last sent; at <see cref="PhoneCodeAttempts"/> it is spent.</summary>
    [JsonInclude] public int PhoneCodeFailures { get; private set; }

    /// <summary>A guardian without a password: its username is its phone, <paramref name="activationHash"/> the code the school hands out.</summary>
    public static User InvitedGuardian(string phone, string name, string activationHash, DateTimeOffset expiresAt)
    {
        var id = Ids.New();
        var user = Invited(id, phone, Role.Guardian, id, name, OrgRole.Admin, activationHash, expiresAt);
        user.Phone = phone;
        user.Version = 1;
        return user;
    }

    /// <summary>A Development demo guardian with its password already set.</summary>
    public static User DemoGuardian(string username, string passwordHash, string phone, string name)
    {
        var id = Ids.New();
        return new User(id, NormalizeUsername(username), passwordHash, Role.Guardian, id, name) { Phone = phone, Version = 1, SecurityStamp = Guid.NewGuid() };
    }

    /// <summary>Not yet activated: no password, an activation code outstanding.</summary>
    [JsonIgnore] public bool AwaitsActivation => PasswordHash.Length == 0 && ActivationHash is not null;

    /// <summary>The name a roster gives the guardian; false when it is the stored one.</summary>
    public bool Rename(string displayName)
    {
        if (DisplayName == displayName) return false;
        DisplayName = displayName;
        Version++;
        return true;
    }

    /// <summary>A roster links a child to this guardian: a new version, so a deletion of the guardian decided on the old one conflicts.</summary>
    public void Linked() => Version++;

    /// <summary>A new activation code (the school hands it out again); any phone code waiting is dropped.</summary>
    public void ReissueActivation(string activationHash, DateTimeOffset expiresAt)
    {
        if (!AwaitsActivation && PasswordHash.Length > 0) throw new DomainRuleException("guardian-already-active");
        (ActivationHash, ActivationExpiresAt, MustChangePassword) = (activationHash, expiresAt, true);
        (PhoneCodeHash, PhoneCodeExpiresAt, PhoneCodeFailures) = (null, null, 0);
        Version++;
    }

    /// <summary>A phone code was sent: only its hash is kept, for <see cref="PhoneCodeLifetime"/> and <see cref="PhoneCodeAttempts"/> tries.</summary>
    public void PhoneCodeSent(string codeHash, DateTimeOffset now)
    {
        (PhoneCodeHash, PhoneCodeExpiresAt, PhoneCodeFailures) = (codeHash, now + PhoneCodeLifetime, 0);
        Version++;
    }

    /// <summary>A wrong phone code: counted; the last allowed failure spends the code.</summary>
    public void PhoneCodeFailed()
    {
        PhoneCodeFailures++;
        if (PhoneCodeFailures >= PhoneCodeAttempts) (PhoneCodeHash, PhoneCodeExpiresAt) = (null, null);
        Version++;
    }

    /// <summary>Activation done: the chosen password, the activation and phone codes spent, a new stamp.</summary>
    public void Activate(string passwordHash)
    {
        ResetPassword(passwordHash, mustChange: false);
        (PhoneCodeHash, PhoneCodeExpiresAt, PhoneCodeFailures) = (null, null, 0);
    }
}
