using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Settlement;

/// <summary>Why a payment does not reconcile; resource key <c>reconciliation.{code}</c>.</summary>
public enum MismatchKind
{
    /// <summary>The ledger posted a payment the gateway does not have.</summary>
    MissingAtGateway,
    /// <summary>The gateway says it succeeded; the ledger has no posting for it.</summary>
    NotPosted,
    /// <summary>Both have it, with different amounts.</summary>
    AmountDiffers,
    /// <summary>The ledger posted it; the gateway says it did not succeed.</summary>
    NotSucceededAtGateway,
}

public sealed record ReconciliationMismatch(MismatchKind Kind, Guid? PaymentId, string Gateway, string? GatewayReference, long? LedgerFen, long? GatewayFen, Guid? SchoolId, Guid? ProviderId)
{
    /// <summary>The family bill a family's online payment paid (its payment is the bill's); null for a school's payment of a provider.</summary>
    public Guid? BillId { get; init; }
}

/// <summary>
/// A gateway payment another module made for a payer (a family's online payment names its bill) matched to that module's posting:
/// the school it was paid to, the bill, and what the ledger posted for it (null: nothing posted).
/// </summary>
public sealed record PayerPaymentPosting(Guid SchoolId, Guid BillId, long? PostedFen);

/// <summary>
/// Finds the posting of a gateway payment that names a bill (<see cref="GatewayPayment.BillId"/>), so reconciliation matches
/// payments it does not make itself without knowing the module that does (Families implements it).
/// </summary>
public interface IPayerPaymentPostings
{
    /// <summary>The payment's bill and posting when the bill is one of <paramref name="districts"/>; null when it is not ours to see.</summary>
    Task<PayerPaymentPosting?> FindAsync(GatewayPayment payment, IReadOnlyCollection<string> districts, CancellationToken ct = default);
}

public sealed record ReconciliationReport(string Month, IReadOnlyCollection<string> Districts, int Matched, long MatchedFen, IReadOnlyList<ReconciliationMismatch> Mismatches);

/// <summary>
/// Matches the ledger's payment postings (cash out of school funds) of a month to what each gateway reports for that month, and
/// lists every mismatch. The district bureau (and the city bureau, read only) runs it for its districts. A gateway payment of
/// another district, or one we never made, is not this district's to see and is left out. Payers' online payments (a gateway
/// payment naming a bill: a family's, issue 18) are matched from the gateway's side through <see cref="IPayerPaymentPostings"/>:
/// each to its bill's payment posting — one the gateway took that the bill never recorded (its webhook lost) is
/// <see cref="MismatchKind.NotPosted"/>. Such a payment is recorded only on the gateway's own word, so the other direction
/// (posted, unknown to the gateway) is not searched for.
/// </summary>
public sealed class Reconciliation(IMarketplaceStore store, IEnumerable<IPaymentGateway> gateways, IEnumerable<IPayerPaymentPostings> payers)
{
    public async Task<ReconciliationReport> RunAsync(Caller caller, string? month, string? district, CancellationToken ct = default)
    {
        if (caller.Role is not (Role.Bureau or Role.CityBureau)) throw new ForbiddenException("forbidden.reconciliation");
        if (district is not null && !caller.Oversees(district)) throw new ForbiddenException("forbidden.ledger-district", district);
        if (!StatementQueries.TryParseMonth(month, out var range)) throw ValidationFailedException.For("month", "validation.month");
        IReadOnlyCollection<string> districts = district is null ? caller.Districts : [district];

        // Ours: the payments of these districts created in the month (a payment posts after it is created, perhaps next month:
        // its posting is looked up by id, whenever it was posted).
        var payments = await store.ListPaymentsAsync(new PaymentFilter(Districts: districts, From: range.From, Before: range.Before, Limit: 100_000), ct);
        var postings = new Dictionary<Guid, long>();
        foreach (var p in payments)
            if (await store.FindAsync<LedgerTransaction>(LedgerTransaction.IdOf($"payment:{p.Id:N}"), ct) is { } tx)
                postings[p.Id] = tx.Entries.Where(e => e.AmountFen > 0).Sum(e => e.AmountFen);

        var mismatches = new List<ReconciliationMismatch>();
        var (matched, matchedFen) = (0, 0L);
        foreach (var gateway in gateways)
        {
            var theirs = new Dictionary<Guid, GatewayPayment>();
            var families = new List<GatewayPayment>();
            await foreach (var g in gateway.ListAsync(range.From, range.Before, ct))
                if (g.PaymentId is { } id)
                {
                    if (g.BillId is not null) families.Add(g);
                    else theirs[id] = g;
                }
            foreach (var p in payments.Where(p => p.Gateway == gateway.Name))
            {
                var posted = postings.TryGetValue(p.Id, out var fen) ? fen : (long?)null;
                theirs.TryGetValue(p.Id, out var g);
                ReconciliationMismatch Mismatch(MismatchKind kind) =>
                    new(kind, p.Id, gateway.Name, g?.GatewayReference ?? p.GatewayReference, posted, g?.AmountFen, p.SchoolId, p.ProviderId);
                if (posted is not null && g is null) mismatches.Add(Mismatch(MismatchKind.MissingAtGateway));
                else if (g is { State: PaymentState.Succeeded } && posted is null) mismatches.Add(Mismatch(MismatchKind.NotPosted));
                else if (g is not null && posted is not null && g.State != PaymentState.Succeeded) mismatches.Add(Mismatch(MismatchKind.NotSucceededAtGateway));
                else if (g is not null && posted is { } amount && amount != g.AmountFen) mismatches.Add(Mismatch(MismatchKind.AmountDiffers));
                else if (posted is { } ok)
                {
                    matched++;
                    matchedFen += ok;
                }
            }
            foreach (var g in families)
            {
                PayerPaymentPosting? found = null;
                foreach (var payer in payers)
                    if ((found = await payer.FindAsync(g, districts, ct)) is not null) break;
                if (found is null) continue; // another district's, or no bill of ours
                var posted = found.PostedFen;
                ReconciliationMismatch Mismatch(MismatchKind kind) =>
                    new(kind, g.PaymentId, gateway.Name, g.GatewayReference, posted, g.AmountFen, found.SchoolId, null) { BillId = found.BillId };
                if (posted is null)
                {
                    if (g.State == PaymentState.Succeeded) mismatches.Add(Mismatch(MismatchKind.NotPosted)); // an attempt not (yet) paid is no mismatch
                }
                else if (g.State != PaymentState.Succeeded) mismatches.Add(Mismatch(MismatchKind.NotSucceededAtGateway));
                else if (posted != g.AmountFen) mismatches.Add(Mismatch(MismatchKind.AmountDiffers));
                else
                {
                    matched++;
                    matchedFen += posted.Value;
                }
            }
        }
        return new ReconciliationReport(month!, districts, matched, matchedFen, mismatches);
    }
}
