using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Catalog.Providers;

public sealed record RegisterProviderRequest(
    string? Name, ProviderKind? Kind, string? CreditCode, string? ContactName, string? ContactPhone,
    IReadOnlyList<string>? Districts, string? Username, string? Password);

/// <summary>
/// Self-registration, and the bureau's vetting (资质审核): approve onto the white list or reject. Suspension also declines the
/// provider's open booking requests, so that use case belongs to the booking module (<c>BookingCommands.SuspendProviderAsync</c>).
/// </summary>
public sealed class ProviderCommands(IMarketplaceStore store, IPasswordHashing hashing, TimeProvider clock)
{
    /// <summary>The organisation and its first user account, pending the bureau's vetting.</summary>
    public async Task<Provider> RegisterAsync(RegisterProviderRequest r, CancellationToken ct = default)
    {
        var known = (await store.ListDistrictsAsync(ct)).Select(d => d.Code).ToHashSet();
        var v = new Validator()
            .Text(r.Name, "name", 100)
            .Require(r.Kind is not null, "kind", new("validation.one-of", (object)Enum.GetNames<ProviderKind>()))
            .Require(Catalog.CreditCode.IsValid(r.CreditCode), "creditCode", new("provider.credit-code"))
            .Text(r.ContactName, "contactName", 50)
            .Require(IsPhone(r.ContactPhone), "contactPhone", new("validation.phone"))
            .Require(r.Username is { Length: >= 3 and <= 40 } u && u.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'), "username", new("validation.username", 3, 40));
        PasswordRules.Check(v, "password", r.Password, r.Username);
        if (v.Count(r.Districts, "districts", known.Count))
            v.Require(r.Districts is { Count: > 0 } && r.Districts.All(known.Contains), "districts", new("validation.districts"));
        v.ThrowIfInvalid();

        if (await store.FindProviderByCreditCodeAsync(r.CreditCode!, ct) is not null)
            throw new DuplicateException("creditCode", "duplicate.creditCode");
        if (await store.FindUserAsync(r.Username!, ct) is not null)
            throw new DuplicateException("username", "duplicate.username");

        var now = clock.GetUtcNow();
        var provider = Provider.Register(r.Name!, r.Kind!.Value, r.CreditCode!, r.ContactName!, r.ContactPhone!, r.Districts!, now,
            by: $"{Role.Provider}:{User.NormalizeUsername(r.Username!)}");
        var user = new User(Ids.New(), User.NormalizeUsername(r.Username!), hashing.Hash(r.Password!), Role.Provider, provider.Id, r.ContactName!.Trim());
        await store.CommitAsync(new StoreChanges().Insert(provider).Insert(user).Publish(CatalogEvents.ProviderChanged(provider, now)), ct);
        return provider;
    }

    public Task<Provider> ApproveAsync(Caller caller, Guid providerId, string? note, CancellationToken ct = default) =>
        DecideAsync(caller, providerId, new Validator().Text(note, "note", 500, required: false, multiline: true), (p, now) => p.Approve(caller.AuditName, note, now), ct);

    public Task<Provider> RejectAsync(Caller caller, Guid providerId, string? reason, CancellationToken ct = default) =>
        DecideAsync(caller, providerId, new Validator().Text(reason, "reason", 500, multiline: true), (p, now) => p.Reject(caller.AuditName, reason!, now), ct);

    /// <summary>The provider for a vetting decision by the caller: not found, then not this bureau's (403).</summary>
    public async Task<Provider> LoadForDecisionAsync(Caller caller, Guid providerId, CancellationToken ct)
    {
        var provider = await store.FindAsync<Provider>(providerId, ct) ?? throw new NotFoundException("provider", providerId);
        return caller.IsBureauOfAny(provider.Districts) ? provider : throw new ForbiddenException("forbidden.provider-vetting");
    }

    /// <summary>Not found, then not this bureau's, then bad input: a bureau learns nothing of another district's providers.</summary>
    private Task<Provider> DecideAsync(Caller caller, Guid providerId, Validator input, Action<Provider, DateTimeOffset> decide, CancellationToken ct) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            var provider = await LoadForDecisionAsync(caller, providerId, ct);
            input.ThrowIfInvalid();
            var expected = provider.Version;
            var now = clock.GetUtcNow();
            decide(provider, now);
            await store.CommitAsync(new StoreChanges().Update(provider, expected).Publish(CatalogEvents.ProviderChanged(provider, now)), ct);
            return provider;
        });

    private static bool IsPhone(string? phone) =>
        phone is not null && System.Text.RegularExpressions.Regex.IsMatch(phone.Trim(), @"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})\z"); // [0-9]: \d takes any script's digits
}
