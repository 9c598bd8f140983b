using Marketplace.Core.Persistence;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families.Billing;

/// <summary>What starting an online payment answered: the bill, the attempt (its QR code while open), and whether this key had started it before.</summary>
public sealed record OnlinePaymentResult(FamilyBill Bill, BillOnlinePayment Payment, bool Replayed);

/// <summary>
/// A guardian pays its child's bill from its page, through the gateway payers can pay through (Stripe: WeChat Pay). The attempt
/// is written on the bill first (Unknown; the bill's version makes a second attempt started at the same moment decide again and
/// meet the open one: 409 <c>bill-online-payment-open</c>), then the gateway is called with the attempt's own key, so a retried
/// request reaches the same PaymentIntent. The amount is what the bill owes when it starts. The page never records the payment:
/// only the gateway's webhook (<see cref="FamilyBilling.GatewayEventAsync"/>) or its own answer does. With the offline gateway
/// only (the school records payments) this is 409 <c>payment-online-unavailable</c>.
/// </summary>
public sealed class GuardianBillPayments(IMarketplaceStore store, IEnumerable<IPaymentGateway> gateways, TimeProvider clock)
{
    /// <summary>True when guardians can pay online here (a gateway that takes payers' payments is configured).</summary>
    public bool Available => gateways.Any(g => g.TakesPayerPayments);

    public async Task<OnlinePaymentResult> PayAsync(Caller caller, Guid pupilId, Guid billId, string idempotencyKey, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        var pupil = await PupilAccess.OwnChildAsync(store, caller, pupilId, ct);
        var gateway = gateways.FirstOrDefault(g => g.TakesPayerPayments) ?? throw new DomainRuleException("payment-online-unavailable");
        var id = LedgerTransaction.IdOf($"family-online:{billId:N}:{caller.UserId:N}:{idempotencyKey}");
        var (bill, attempt, replayed) = await ConcurrentChange.RetryAsync(async () =>
        {
            var bill = await store.FindAsync<FamilyBill>(billId, ct);
            if (bill is null || bill.PupilId != pupil.Id) throw new NotFoundException("bill", billId);
            if (bill.OnlinePayments.FirstOrDefault(p => p.Id == id) is { } earlier) return (bill, earlier, true);
            var now = clock.GetUtcNow();
            var expected = bill.Version;
            var started = bill.StartOnlinePayment(id, idempotencyKey, gateway.Name, now, caller.AuditName);
            await store.CommitAsync(new StoreChanges().Update(bill, expected)
                .Insert(AuditEntry.Record(caller, "bill.online-payment", "bill", bill.Id.ToString(), now, bill.DistrictCode, bill.SchoolId,
                    detail: $"{Money.Yuan(started.AmountFen)} {gateway.Name}")), ct);
            return (bill, started, false);
        });
        if (attempt.State != PaymentState.Unknown) return new OnlinePaymentResult(bill, attempt, replayed);

        // Not answered yet (this request, or an earlier one whose answer was lost): ask with the attempt's key.
        var answer = await gateway.StartAsync(new PaymentOrder(id, $"family-payment-{id:N}", attempt.AmountFen, bill.SchoolId, Guid.Empty, "课后服务费（家庭）")
        {
            Kind = PaymentKind.FamilyFee, BillId = bill.Id,
        }, ct);
        return await ConcurrentChange.RetryAsync(async () =>
        {
            var current = await store.FindAsync<FamilyBill>(billId, ct) ?? throw new NotFoundException("bill", billId);
            var expected = current.Version;
            var posting = current.SettleOnlinePayment(id, answer.State, answer.GatewayReference, answer.FailureCode, answer.QrImageDataUrl, clock.GetUtcNow());
            if (current.Version != expected)
            {
                var changes = new StoreChanges().Update(current, expected);
                if (posting is not null) changes.Insert(posting);
                await store.CommitAsync(changes, ct);
            }
            return new OnlinePaymentResult(current, current.OnlinePayments.First(p => p.Id == id), replayed);
        });
    }
}
