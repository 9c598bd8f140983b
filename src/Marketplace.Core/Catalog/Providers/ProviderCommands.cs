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

    /// <summary>
    /// The provider applies to further districts: a pending entry each (or a rejected one pending again), for that district's
    /// bureau to decide. Its other entries are left alone; a district already applied to is 409 <c>district-already-applied</c>.
    /// </summary>
    public Task<Provider> ApplyForDistrictsAsync(Caller caller, Guid providerId, IReadOnlyList<string>? districts, CancellationToken ct = default) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            if (caller.Role != Role.Provider) throw new ForbiddenException("forbidden.provider-apply");
            var provider = caller.OrganizationId == providerId ? await store.FindAsync<Provider>(providerId, ct) : null;
            if (provider is null) throw new NotFoundException("provider", providerId);
            var known = (await store.ListDistrictsAsync(ct)).Select(d => d.Code).ToHashSet();
            var v = new Validator();
            if (v.Count(districts, "districts", known.Count))
                v.Require(districts is { Count: > 0 } && districts.All(known.Contains), "districts", new("validation.districts"));
            v.ThrowIfInvalid();

            var expected = provider.Version;
            var now = clock.GetUtcNow();
            provider.ApplyFor(districts!, caller.AuditName, now);
            await store.CommitAsync(new StoreChanges().Update(provider, expected).Publish(CatalogEvents.ProviderChanged(provider, now)), ct);
            return provider;
        });

    /// <summary>The caller's district bureau approves the provider's entry in <paramref name="district"/> (or its only district in common).</summary>
    public Task<Provider> ApproveAsync(Caller caller, Guid providerId, string? district, string? note, CancellationToken ct = default) =>
        DecideAsync(caller, providerId, district, new Validator().Text(note, "note", 500, required: false, multiline: true), "provider.approve", note,
            (p, d, now) => p.Approve(d, caller.AuditName, note, now), ct);

    public Task<Provider> RejectAsync(Caller caller, Guid providerId, string? district, string? reason, CancellationToken ct = default) =>
        DecideAsync(caller, providerId, district, new Validator().Text(reason, "reason", 500, multiline: true), "provider.reject", reason,
            (p, d, now) => p.Reject(d, caller.AuditName, reason!, now), ct);

    /// <summary>The provider for a vetting decision by the caller: not found, then not this bureau's (403).</summary>
    public async Task<Provider> LoadForDecisionAsync(Caller caller, Guid providerId, CancellationToken ct)
    {
        var provider = await store.FindAsync<Provider>(providerId, ct) ?? throw new NotFoundException("provider", providerId);
        return caller.IsBureauOfAny(provider.Districts) ? provider : throw new ForbiddenException("forbidden.provider-vetting");
    }

    /// <summary>
    /// The district whose entry the caller decides: the one named (it must be the caller's own: a bureau decides only its
    /// district's entry), else the caller's only district the provider applied to. None or several in common is a 400 naming
    /// <c>district</c>: the bureau must say which.
    /// </summary>
    public static string DecisionDistrict(Caller caller, Provider provider, string? district)
    {
        if (district is not null)
            return caller.IsBureauOf(district) ? district : throw new ForbiddenException("forbidden.provider-vetting-district", district);
        var common = caller.Districts.Where(provider.Districts.Contains).Distinct().ToArray();
        return common.Length == 1 ? common[0] : throw ValidationFailedException.For("district", "vetting.district-required", (object)common);
    }

    /// <summary>Not found, then not this bureau's, then bad input: a bureau learns nothing of another district's providers.</summary>
    private Task<Provider> DecideAsync(Caller caller, Guid providerId, string? district, Validator input, string action, string? detail,
        Action<Provider, string, DateTimeOffset> decide, CancellationToken ct) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            var provider = await LoadForDecisionAsync(caller, providerId, ct);
            var where = DecisionDistrict(caller, provider, district);
            input.ThrowIfInvalid();
            var expected = provider.Version;
            var now = clock.GetUtcNow();
            decide(provider, where, now);
            await store.CommitAsync(new StoreChanges().Update(provider, expected).Publish(CatalogEvents.ProviderChanged(provider, now))
                .Insert(Audit(caller, action, provider, where, now, detail)), ct);
            return provider;
        });

    /// <summary>The audit entry of a vetting decision in <paramref name="district"/>: the provider is the target and its organisation.</summary>
    public static AuditEntry Audit(Caller caller, string action, Provider provider, string district, DateTimeOffset now, string? detail) =>
        AuditEntry.Record(caller, action, "provider", provider.Id.ToString(), now, district, provider.Id, detail);

    private static bool IsPhone(string? phone) =>
        phone is not null && System.Text.RegularExpressions.Regex.IsMatch(phone.Trim(), @"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})\z"); // [0-9]: \d takes any script's digits
}
