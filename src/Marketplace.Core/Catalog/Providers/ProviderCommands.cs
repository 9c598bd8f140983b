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
            .Require(r.Kind is not null, "kind", "必填，取值见 ProviderKind / required: one of " + string.Join(", ", Enum.GetNames<ProviderKind>()))
            .Require(Catalog.CreditCode.IsValid(r.CreditCode), "creditCode", "统一社会信用代码无效（18 位，校验位不符）/ not a valid unified social credit code (GB 32100-2015 checksum).")
            .Text(r.ContactName, "contactName", 50)
            .Require(IsPhone(r.ContactPhone), "contactPhone", "请填写 11 位手机号或带区号的座机 / a mobile (11 digits) or landline number.")
            .Require(r.Username is { Length: >= 3 and <= 40 } u && u.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'), "username", "3–40 位字母、数字或 _-. / 3–40 letters, digits or _-.")
            .Require(r.Password is { Length: >= 8 and <= 128 }, "password", "8–128 位 / 8 to 128 characters.");
        if (v.Count(r.Districts, "districts", known.Count))
            v.Require(r.Districts is { Count: > 0 } && r.Districts.All(known.Contains), "districts", "至少一个平台服务的区县代码 / at least one district code the platform serves.");
        v.ThrowIfInvalid();

        if (await store.FindProviderByCreditCodeAsync(r.CreditCode!, ct) is not null)
            throw new DuplicateException("creditCode", "该统一社会信用代码已注册 / this credit code is already registered.");
        if (await store.FindUserAsync(r.Username!, ct) is not null)
            throw new DuplicateException("username", "用户名已被使用 / this username is taken.");

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
        return caller.IsBureauOfAny(provider.Districts) ? provider : throw new ForbiddenException("Only the bureau of one of the provider's districts may vet it.");
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
