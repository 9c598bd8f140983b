namespace Marketplace.Core.Identity;

/// <summary>
/// What a token's holder may do today, beyond what the token says: <see cref="Active"/> is false for a disabled user, a
/// user of a disabled organisation, or a user who no longer exists; a token whose stamp differs from <see cref="Stamp"/>
/// was issued before a password change, reset or disable. <see cref="MustChangePassword"/>: only the password change is allowed.
/// </summary>
public sealed record AccountStanding(bool Active, Guid Stamp, bool MustChangePassword)
{
    public static readonly AccountStanding Gone = new(false, Guid.Empty, false);

    public static AccountStanding Of(User? user) =>
        user is null ? Gone : new(!user.Disabled && !user.OrganizationDisabled, user.SecurityStamp, user.MustChangePassword);
}

/// <summary>Per-account lockout (Marketplace:Lockout:MaxFailures, :Minutes): after this many wrong passwords in a row the
/// account refuses every sign-in for that long, in addition to the per-address limit.</summary>
public sealed record LockoutPolicy(int MaxFailures, TimeSpan Duration)
{
    public static readonly LockoutPolicy Default = new(5, TimeSpan.FromMinutes(15));
}
