using Marketplace.Core.Persistence;
using Marketplace.Core.Settlement;

namespace Marketplace.Core.Families.Billing;

/// <summary>
/// Reconciliation's view of families' online payments: a gateway payment naming a family bill of the bureau's districts, matched to
/// the bill's payment posting by id (<see cref="FamilyBill.PaymentPostingId"/>) — two reads.
/// </summary>
public sealed class FamilyPaymentPostings(IMarketplaceStore store) : IPayerPaymentPostings
{
    public async Task<PayerPaymentPosting?> FindAsync(GatewayPayment payment, IReadOnlyCollection<string> districts, CancellationToken ct = default)
    {
        if (payment is not { BillId: { } billId, PaymentId: { } paymentId }) return null;
        var bill = await store.FindAsync<FamilyBill>(billId, ct);
        if (bill is null || !districts.Contains(bill.DistrictCode)) return null;
        var posting = await store.FindAsync<LedgerTransaction>(FamilyBill.PaymentPostingId(bill.Id, paymentId), ct);
        return new PayerPaymentPosting(bill.SchoolId, bill.Id, posting?.Entries.Where(e => e.AmountFen > 0).Sum(e => e.AmountFen));
    }
}
