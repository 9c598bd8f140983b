using System.Security.Cryptography;
using System.Text;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Identity;

/// <summary>A user who proved their password, with the districts a bureau user acts for.</summary>
public sealed record SignedInUser(User User, IReadOnlyList<string> Districts);

public sealed class UserQueries(IMarketplaceStore store, IPasswordHashing hashing, TimeProvider clock, LockoutPolicy lockout)
{
    private readonly Lazy<string> _unknownUserHash = new(() => hashing.Hash(Guid.NewGuid().ToString()));

    /// <summary>
    /// The user when the password (or a user's unspent activation code) matches and the account may sign in, else null. Every
    /// refusal costs the same hash work and gives the same answer: an unknown name, a wrong password, a locked account, a
    /// disabled user or organisation — the timing and the answer must not tell which names exist or which are locked.
    /// A wrong password is counted on the account (one commit each, retried on conflicts, so parallel failures count exactly);
    /// at <see cref="LockoutPolicy.MaxFailures"/> the account is locked for <see cref="LockoutPolicy.Duration"/>.
    /// </summary>
    public async Task<SignedInUser?> SignInAsync(string? username, string? password, CancellationToken ct = default)
    {
        // A password is a secret, not text to show: any character registration took (tabs, spaces only) must sign in.
        new Validator().Text(username, "username", 100)
            .Require(password is { Length: > 0 and <= 200 }, "password", new("validation.password-required", 200)).ThrowIfInvalid();
        // A guardian signs in with its phone too (its username is its phone unless the demo gave it a name).
        var user = await store.FindUserAsync(username!, ct)
            ?? (username!.Trim() is { Length: 11 } phone && phone.All(char.IsAsciiDigit) ? (await store.FindUsersByPhoneAsync([phone], ct)).FirstOrDefault() : null);
        var matches = Verify(user, password!);
        if (user is null) return null;
        var now = clock.GetUtcNow();
        if (user.IsLockedAt(now)) return null;
        if (!matches)
        {
            await ChangeAsync(user.Id, u => u.RecordFailedSignIn(clock.GetUtcNow(), lockout), ct);
            return null;
        }
        if (user.Disabled || user.OrganizationDisabled) return null;
        if (user.FailedSignIns > 0 || user.LockedUntil is not null)
            user = await ChangeAsync(user.Id, u => u.RecordSuccessfulSignIn(), ct) ?? user;
        return new SignedInUser(user, await DistrictsOfAsync(user, ct));
    }

    /// <summary>
    /// True when <paramref name="password"/> is the user's password or, for a user invited without one, its unexpired
    /// activation code. The slow hash runs in every case, the code's comparison in constant time.
    /// </summary>
    public bool Verify(User? user, string password)
    {
        // A guardian's activation code never signs in by itself: activating also proves the phone (GuardianActivationCommands).
        if (user is { PasswordHash: "", ActivationHash: { } activation } && user.Role != Role.Guardian)
        {
            hashing.Verify(_unknownUserHash.Value, password);
            return user.ActivationExpiresAt > clock.GetUtcNow() && ActivationCode.Matches(activation, password);
        }
        return hashing.Verify(user is { PasswordHash.Length: > 0 } ? user.PasswordHash : _unknownUserHash.Value, password) && user is { PasswordHash.Length: > 0 };
    }

    /// <summary>Whether the user's tokens still count (one read); the host keeps it for a short while per user.</summary>
    public async Task<AccountStanding> StandingAsync(Guid userId, CancellationToken ct = default) =>
        AccountStanding.Of(await store.FindAsync<User>(userId, ct));

    /// <summary>An organisation's users, for its own admin or the administrator: a page in id order.</summary>
    public async Task<IReadOnlyList<User>> ListAsync(Caller caller, Guid organizationId, int limit, Guid? after, CancellationToken ct = default)
    {
        UserCommands.EnsureManages(caller, organizationId);
        var users = await store.ListUsersAsync(new UserFilter(OrganizationId: organizationId, Limit: limit, After: after), ct);
        if (users.Count == 0 && after is null) throw new NotFoundException("organisation", organizationId);
        return users;
    }

    /// <summary>One user of an organisation, for its admin or the administrator.</summary>
    public async Task<User> GetAsync(Caller caller, Guid organizationId, Guid userId, CancellationToken ct = default)
    {
        UserCommands.EnsureManages(caller, organizationId);
        var user = await store.FindAsync<User>(userId, ct);
        return user is not null && user.OrganizationId == organizationId ? user : throw new NotFoundException("user", userId);
    }

    /// <summary>Reloads, changes and commits the user, again on a conflict; null when there was nothing to write.</summary>
    private Task<User?> ChangeAsync(Guid userId, Func<User, bool> change, CancellationToken ct) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            var user = await store.FindAsync<User>(userId, ct);
            if (user is null) return null;
            var expected = user.Version;
            if (!change(user)) return null;
            await store.CommitAsync(new StoreChanges().Update(user, expected), ct);
            return user;
        });

    /// <summary>A district bureau's own district; a city bureau's, every district of its city as the store lists them now
    /// (a token lives 8 h, so a district added meanwhile is seen at the next sign-in); nobody else's.</summary>
    private async Task<IReadOnlyList<string>> DistrictsOfAsync(User user, CancellationToken ct)
    {
        if (user.Role is not (Role.Bureau or Role.CityBureau)) return [];
        var bureau = await store.FindAsync<Bureau>(user.OrganizationId, ct);
        if (bureau is null) return [];
        if (user.Role == Role.Bureau) return bureau.Districts;
        if (bureau.CityCode is not { } city) return [];
        return (await store.ListDistrictsAsync(ct)).Where(d => d.CityCode == city).Select(d => d.Code).ToArray();
    }
}
