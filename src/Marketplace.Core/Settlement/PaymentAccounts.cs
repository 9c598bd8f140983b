using System.Text.RegularExpressions;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Settlement;

/// <summary>A provider's payout account at the gateway (Stripe Connect: acct_ and letters/digits); empty clears it (offline payments only).</summary>
public sealed partial class PaymentAccounts(IMarketplaceStore store)
{
    [GeneratedRegex("^acct_[A-Za-z0-9]{6,64}$")]
    private static partial Regex ConnectAccount();

    public async Task SetAsync(Caller caller, string? account, CancellationToken ct = default)
    {
        if (caller.Role != Role.Provider) throw new ForbiddenException("forbidden.payment-account");
        new Validator().Require(string.IsNullOrWhiteSpace(account) || ConnectAccount().IsMatch(account.Trim()), "account", new("payment.account-format")).ThrowIfInvalid();
        await ConcurrentChange.RetryAsync(async () =>
        {
            var provider = await store.FindAsync<Provider>(caller.OrganizationId, ct) ?? throw new NotFoundException("provider", caller.OrganizationId);
            var expected = provider.Version;
            provider.SetPaymentAccount(account);
            await store.CommitAsync(new StoreChanges().Update(provider, expected), ct);
            return provider;
        });
    }
}
