using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Identity;

/// <summary>A user who proved their password, with the districts a bureau user acts for.</summary>
public sealed record SignedInUser(User User, IReadOnlyList<string> Districts);

public sealed class UserQueries(IMarketplaceStore store, IPasswordHashing hashing)
{
    private readonly Lazy<string> _unknownUserHash = new(() => hashing.Hash(Guid.NewGuid().ToString()));

    /// <summary>The user when the password matches, else null. An unknown name costs the same hash as a known one:
    /// the answer's timing must not tell which names exist.</summary>
    public async Task<SignedInUser?> SignInAsync(string? username, string? password, CancellationToken ct = default)
    {
        // A password is a secret, not text to show: any character registration took (tabs, spaces only) must sign in.
        new Validator().Text(username, "username", 100)
            .Require(password is { Length: > 0 and <= 200 }, "password", new("validation.password-required", 200)).ThrowIfInvalid();
        var user = await store.FindUserAsync(username!, ct);
        if (!hashing.Verify(user?.PasswordHash ?? _unknownUserHash.Value, password!) || user is null) return null;
        return new SignedInUser(user, await DistrictsOfAsync(user, ct));
    }

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
