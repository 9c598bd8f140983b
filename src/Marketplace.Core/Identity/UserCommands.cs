using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Identity;

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

public sealed record AddUserRequest(string? Username, string? DisplayName, string? Password, OrgRole? OrgRole);

public sealed record ResetPasswordRequest(string? NewPassword);

/// <summary>What <c>admin create</c> did; the command line turns it into its exit code.</summary>
public enum BootstrapOutcome { Created, Restored, AdministratorExists, NotAnAdministrator }

/// <summary>
/// Accounts: every user changes its own password; an organisation's admin (or the platform administrator) adds, disables,
/// enables and resets the organisation's users; the administrator's bootstrap from the command line. Each administrative
/// action is one commit with its <see cref="AuditEntry"/>.
/// </summary>
public sealed partial class UserCommands(IMarketplaceStore store, IPasswordHashing hashing, UserQueries users, TimeProvider clock)
{
    /// <summary>Users one organisation may have; disabling an organisation changes them all in one commit.</summary>
    public const int MaxUsersPerOrganization = 200;

    /// <summary>
    /// Its own admin or the administrator may manage an organisation's users; its staff get 403; anyone else learns nothing
    /// of the organisation (404).
    /// </summary>
    public static void EnsureManages(Caller caller, Guid organizationId)
    {
        if (caller.Role == Role.Administrator) return;
        if (caller.OrganizationId != organizationId) throw new NotFoundException("organisation", organizationId);
        if (caller.OrgRole != OrgRole.Admin) throw new ForbiddenException("forbidden.org-admin");
    }

    /// <summary>The caller's own password, proved by the current one (or an unspent activation code). Every other token of
    /// the user is refused from now on: the stamp changes.</summary>
    public async Task<User> ChangeOwnPasswordAsync(Caller caller, ChangePasswordRequest r, CancellationToken ct = default)
    {
        var v = new Validator().Require(r.CurrentPassword is { Length: > 0 and <= 200 }, "currentPassword", new("validation.password-required", 200));
        PasswordRules.Check(v, "newPassword", r.NewPassword, caller.Username);
        v.Require(r.NewPassword is null || r.NewPassword != r.CurrentPassword, "newPassword", new("account.password-unchanged")).ThrowIfInvalid();
        var hash = hashing.Hash(r.NewPassword!);
        return await ConcurrentChange.RetryAsync(async () =>
        {
            var user = await store.FindAsync<User>(caller.UserId, ct) ?? throw new NotFoundException("user", caller.UserId);
            if (!users.Verify(user, r.CurrentPassword!)) throw ValidationFailedException.For("currentPassword", "account.current-password-wrong");
            var expected = user.Version;
            user.ChangePassword(hash);
            await store.CommitAsync(new StoreChanges().Update(user, expected), ct);
            return user;
        });
    }

    /// <summary>A new user of the organisation, with the role its users have (a provider's staff are providers).</summary>
    public async Task<User> AddAsync(Caller caller, Guid organizationId, AddUserRequest r, CancellationToken ct = default)
    {
        EnsureManages(caller, organizationId);
        var v = ValidateNewUser(r.Username, r.DisplayName, r.Password, "");
        v.ThrowIfInvalid();
        var members = await store.ListUsersAsync(new UserFilter(OrganizationId: organizationId, Limit: MaxUsersPerOrganization), ct);
        if (members.Count == 0) throw new NotFoundException("organisation", organizationId);
        if (members.Count >= MaxUsersPerOrganization) throw new DomainRuleException("organisation-user-limit", MaxUsersPerOrganization);
        if (await store.FindUserAsync(r.Username!, ct) is not null) throw new DuplicateException("username", "duplicate.username");
        var user = User.Create(r.Username!, hashing.Hash(r.Password!), members[0].Role, organizationId, r.DisplayName!, r.OrgRole ?? OrgRole.Staff);
        if (members.Any(m => m.OrganizationDisabled)) user.SetOrganizationDisabled(true); // joins a disabled organisation as disabled
        var audit = AuditEntry.Record(caller, "user.create", "user", user.Id.ToString(), clock.GetUtcNow(),
            await DistrictOfAsync(store, organizationId, user.Role, ct), organizationId, $"{user.Username} ({user.OrgRole})");
        await store.CommitAsync(new StoreChanges().Insert(user).Insert(audit), ct);
        return user;
    }

    /// <summary>Disabled with a reason: it signs in no more and its tokens are refused (new stamp). Not oneself, and never the
    /// organisation's last active admin.</summary>
    public Task<User> DisableAsync(Caller caller, Guid organizationId, Guid userId, string? reason, CancellationToken ct = default)
    {
        var input = new Validator().Text(reason, "reason", 500, multiline: true);
        return ChangeMemberAsync(caller, organizationId, userId, "user.disable", reason, async user =>
        {
            input.ThrowIfInvalid();
            if (user.Id == caller.UserId) throw new DomainRuleException("user-self");
            if (user is { OrgRole: OrgRole.Admin, Disabled: false })
            {
                var members = await store.ListUsersAsync(new UserFilter(OrganizationId: organizationId, Limit: MaxUsersPerOrganization), ct);
                if (!members.Any(m => m.Id != user.Id && m is { OrgRole: OrgRole.Admin, Disabled: false })) throw new DomainRuleException("last-org-admin");
            }
            user.Disable();
        }, ct);
    }

    public Task<User> EnableAsync(Caller caller, Guid organizationId, Guid userId, CancellationToken ct = default) =>
        ChangeMemberAsync(caller, organizationId, userId, "user.enable", null, user =>
        {
            user.Enable();
            return Task.CompletedTask;
        }, ct);

    /// <summary>Classes a user may have (<see cref="User.Classes"/>).</summary>
    public const int MaxClasses = 30;

    /// <summary>
    /// The classes a school user teaches (its 班级审核 scope), set by the school's admin: each "grade-class" ("3-2班", grade 1–9, the
    /// class name as the roster has it), none twice; an empty list takes them all away. Other organisations' users have none (409).
    /// </summary>
    public Task<User> SetClassesAsync(Caller caller, Guid organizationId, Guid userId, IReadOnlyList<string?>? classes, CancellationToken ct = default)
    {
        var v = new Validator().Require(classes is not null, "classes", new("validation.required"));
        if (classes is not null && v.Count(classes, "classes", MaxClasses))
            for (var i = 0; i < classes.Count; i++)
            {
                if (classes[i] is not { } c || !ClassPattern().IsMatch(c)) v.Add($"classes[{i}]", new("user.class-key"));
                else if (classes.Take(i).Contains(c)) v.Add($"classes[{i}]", new("user.class-repeated"));
            }
        return ChangeMemberAsync(caller, organizationId, userId, "user.classes", classes is null ? null : string.Join(",", classes), user =>
        {
            v.ThrowIfInvalid();
            if (user.Role != Role.School) throw new DomainRuleException("user-not-school");
            user.AssignClasses([.. classes!.Select(c => c!)]);
            return Task.CompletedTask;
        }, ct);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[1-9]-\S.{0,29}\z")]
    private static partial System.Text.RegularExpressions.Regex ClassPattern();

    /// <summary>A password set for the user, who must change it at the next sign-in; its lock is cleared, its tokens refused.</summary>
    public Task<User> ResetPasswordAsync(Caller caller, Guid organizationId, Guid userId, ResetPasswordRequest r, CancellationToken ct = default)
    {
        string? hash = null;
        return ChangeMemberAsync(caller, organizationId, userId, "user.reset-password", null, user =>
        {
            PasswordRules.Check(new Validator(), "newPassword", r.NewPassword, user.Username).ThrowIfInvalid();
            if (user.Id == caller.UserId) throw new DomainRuleException("user-self");
            user.ResetPassword(hash ??= hashing.Hash(r.NewPassword!));
            return Task.CompletedTask;
        }, ct);
    }

    /// <summary>
    /// The first (or, with <paramref name="force"/>, a further) platform administrator, from the command line. Without force,
    /// nothing is written once any administrator exists. With force, an existing administrator of that name gets the new
    /// password, unlocked and enabled with a new stamp; the name of a user who is not an administrator is refused.
    /// </summary>
    public async Task<BootstrapOutcome> BootstrapAdministratorAsync(
        string username, string? displayName, string password, bool force, string actor, CancellationToken ct = default)
    {
        var v = ValidateNewUser(username, displayName ?? username, password, "");
        v.ThrowIfInvalid();
        if (!force && (await store.ListUsersAsync(new UserFilter(Role: Role.Administrator, Limit: 1), ct)).Count > 0)
            return BootstrapOutcome.AdministratorExists;
        var hash = hashing.Hash(password);
        var now = clock.GetUtcNow();
        return await ConcurrentChange.RetryAsync(async () =>
        {
            var existing = await store.FindUserAsync(username, ct);
            if (existing is not null && existing.Role != Role.Administrator) return BootstrapOutcome.NotAnAdministrator;
            if (existing is null)
            {
                var user = User.Create(username, hash, Role.Administrator, PlatformOrganization.Id, displayName ?? username, OrgRole.Admin);
                await store.CommitAsync(new StoreChanges().Insert(user).Insert(AuditEntry.Record(actor, PlatformOrganization.Id, null,
                    "administrator.create", "user", user.Id.ToString(), now, organizationId: PlatformOrganization.Id, detail: user.Username)), ct);
                return BootstrapOutcome.Created;
            }
            var expected = existing.Version;
            existing.Restore(hash);
            await store.CommitAsync(new StoreChanges().Update(existing, expected).Insert(AuditEntry.Record(actor, PlatformOrganization.Id, null,
                "administrator.restore", "user", existing.Id.ToString(), now, organizationId: PlatformOrganization.Id, detail: existing.Username)), ct);
            return BootstrapOutcome.Restored;
        });
    }

    /// <summary>Username (3–40 of letters, digits, _ - .), display name and the password rules, under the given field prefix.</summary>
    internal static Validator ValidateNewUser(string? username, string? displayName, string? password, string prefix, Validator? into = null)
    {
        var v = (into ?? new Validator())
            .Require(IsUsername(username), prefix + "username", new("validation.username", 3, 40))
            .Text(displayName, prefix + "displayName", 50);
        return PasswordRules.Check(v, prefix + "password", password, username);
    }

    public static bool IsUsername(string? username) =>
        username is { Length: >= 3 and <= 40 } u && u.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');

    /// <summary>The district an organisation answers to, for its audit entries: a district bureau's, a provider's home, a school's.</summary>
    internal static async Task<string?> DistrictOfAsync(IMarketplaceStore store, Guid organizationId, Role role, CancellationToken ct) => role switch
    {
        Role.Bureau => (await store.FindAsync<Bureau>(organizationId, ct))?.Districts.FirstOrDefault(),
        Role.Provider => (await store.FindAsync<Provider>(organizationId, ct))?.HomeDistrict is { Length: > 0 } home ? home : null,
        Role.School => (await store.FindAsync<School>(organizationId, ct))?.DistrictCode,
        _ => null,
    };

    private Task<User> ChangeMemberAsync(Caller caller, Guid organizationId, Guid userId, string action, string? detail,
        Func<User, Task> change, CancellationToken ct)
    {
        EnsureManages(caller, organizationId);
        return ConcurrentChange.RetryAsync(async () =>
        {
            var user = await store.FindAsync<User>(userId, ct);
            if (user is null || user.OrganizationId != organizationId) throw new NotFoundException("user", userId);
            var expected = user.Version;
            await change(user);
            var audit = AuditEntry.Record(caller, action, "user", user.Id.ToString(), clock.GetUtcNow(),
                await DistrictOfAsync(store, organizationId, user.Role, ct), organizationId, detail is null ? user.Username : $"{user.Username}: {detail}");
            await store.CommitAsync(new StoreChanges().Update(user, expected).Insert(audit), ct);
            return user;
        });
    }
}
