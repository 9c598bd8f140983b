using Marketplace.Core.Persistence;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families.Billing;

/// <summary>A family's payment as the school records it: the amount and the unified-payment (统一缴费) or bank reference it came with.</summary>
public sealed record BillPaymentRequest(long? AmountFen, string? Method, string? Reference);

/// <summary>What recording a payment answered: the bill after it, and whether this key had recorded it before.</summary>
public sealed record BillPaymentResult(FamilyBill Bill, BillPayment Payment, bool Replayed);

/// <summary>
/// The school records what a family paid, through the payments port: "offline" (the default — the money came through the unified
/// payment platform, WeChat Pay, Alipay or the bank outside the platform; recording it with its reference is the payment). The
/// payment's id is derived from the school and the Idempotency-Key, so the same key answers with the same payment (another body:
/// 422) and two requests at once record it once. Never more than the bill still owes (409 <c>bill-payment-above-owed</c>).
/// </summary>
public sealed class FamilyBillCommands(IMarketplaceStore store, IEnumerable<IPaymentGateway> gateways, TimeProvider clock)
{
    public const int MaxReferenceLength = 100;

    public async Task<BillPaymentResult> RecordPaymentAsync(Caller caller, Guid billId, string idempotencyKey, BillPaymentRequest r, CancellationToken ct = default)
    {
        if (caller.Role != Role.School) throw new ForbiddenException("forbidden.bills-school");
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        var method = r.Method ?? OfflinePaymentGateway.GatewayName;
        // Only a gateway that settles when it is told (offline) is taken here; a guardian's online payment would start at its page.
        var gateway = gateways.FirstOrDefault(g => g.Name == method && method == OfflinePaymentGateway.GatewayName);
        new Validator()
            .Require(r.AmountFen is >= 1 and <= RefundCalculator.MaxPaidFen, "amountFen", new("validation.range", 1, RefundCalculator.MaxPaidFen))
            .Require(gateway is not null, "method", new("payment.method", OfflinePaymentGateway.GatewayName))
            .Text(r.Reference, "reference", MaxReferenceLength)
            .ThrowIfInvalid();
        var paymentId = LedgerTransaction.IdOf($"family-payment:{caller.OrganizationId:N}:{idempotencyKey}");
        var reference = r.Reference!.Trim();
        return await ConcurrentChange.RetryAsync(async () =>
        {
            var bill = await store.FindAsync<FamilyBill>(billId, ct);
            if (bill is null || bill.SchoolId != caller.OrganizationId) throw new NotFoundException("bill", billId);
            if (bill.Payments.FirstOrDefault(p => p.Id == paymentId) is { } earlier)
                return earlier.AmountFen == r.AmountFen && earlier.Reference == reference && earlier.Gateway == method
                    ? new BillPaymentResult(bill, earlier, true) : throw new IdempotencyMismatchException();
            var now = clock.GetUtcNow();
            var attempt = await gateway!.StartAsync(new PaymentOrder(paymentId, $"family-payment-{paymentId:N}", r.AmountFen!.Value, bill.SchoolId, Guid.Empty,
                "课后服务费（家庭）", null, reference), ct);
            if (attempt.State != PaymentState.Succeeded) throw new DomainRuleException("bill-payment-failed", attempt.FailureCode ?? attempt.State.ToString());
            var expected = bill.Version;
            var posting = bill.Pay(paymentId, r.AmountFen.Value, gateway.Name, attempt.GatewayReference ?? reference, now, caller.AuditName);
            await store.CommitAsync(new StoreChanges().Update(bill, expected).Insert(posting)
                .Insert(AuditEntry.Record(caller, "bill.payment", "bill", bill.Id.ToString(), now, bill.DistrictCode, bill.SchoolId,
                    detail: $"{Money.Yuan(r.AmountFen.Value)} {gateway.Name} {reference}")), ct);
            return new BillPaymentResult(bill, bill.Payments[^1], false);
        });
    }
}
