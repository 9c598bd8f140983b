using System.Runtime.CompilerServices;
using Marketplace.Core.Persistence;

namespace Marketplace.Core.Settlement;

/// <summary>
/// The default payment adapter: money moves outside the platform (a bank transfer, a fiscal payment) and the school records it
/// with its reference; recording is the payment, so it succeeds at once. Its "gateway view" for reconciliation is the payments
/// recorded through it.
/// </summary>
public sealed class OfflinePaymentGateway(IMarketplaceStore store) : IPaymentGateway
{
    public const string GatewayName = "offline";

    public string Name => GatewayName;

    /// <summary>Money reaches the school outside the platform (统一缴费, bank): the school records it, nobody pays through a page here.</summary>
    public bool TakesPayerPayments => false;

    public Task<PaymentAttempt> StartAsync(PaymentOrder order, CancellationToken ct = default) =>
        Task.FromResult(string.IsNullOrWhiteSpace(order.Reference)
            ? new PaymentAttempt(null, PaymentState.Failed, FailureCode: "reference-required")
            : new PaymentAttempt(order.Reference.Trim(), PaymentState.Succeeded));

    /// <summary>Recorded at once: the school pays back through the channel the money came in by, quoting its reference.</summary>
    public Task<PaymentAttempt> RefundAsync(RefundOrder order, CancellationToken ct = default) =>
        Task.FromResult(string.IsNullOrWhiteSpace(order.OriginalReference)
            ? new PaymentAttempt(null, PaymentState.Failed, FailureCode: "reference-required")
            : new PaymentAttempt($"refund:{order.OriginalReference.Trim()}:{order.RefundId:N}", PaymentState.Succeeded));

    public async Task<GatewayPayment?> FindAsync(string gatewayReference, CancellationToken ct = default)
    {
        await foreach (var p in ListAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, ct))
            if (p.GatewayReference == gatewayReference) return p;
        return null;
    }

    public async IAsyncEnumerable<GatewayPayment> ListAsync(DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var p in await store.ListPaymentsAsync(new PaymentFilter(From: from, Before: to, Limit: 100_000), ct))
            if (p.Gateway == GatewayName && p.GatewayReference is { } reference)
                yield return new GatewayPayment(reference, p.AmountFen, PaymentOrder.Currency, p.State, p.CreatedAt, p.Id);
    }
}
