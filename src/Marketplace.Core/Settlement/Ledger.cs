using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Settlement;

/// <summary>
/// The ledger's accounts, one per party and purpose. Amounts are integer fen, CNY; a debit is positive, a credit negative, and
/// every transaction sums to zero. The flow (DOMAIN.md): families and the bureau's subsidy pay the school's after-school fund;
/// the fund pays providers for lessons delivered; providers never collect from families.
/// </summary>
public static class Accounts
{
    /// <summary>What the district's bureau owes the school funds as fiscal subsidy (debit: owed to the fund).</summary>
    public static string BureauSubsidy(string district) => $"bureau-subsidy:{district}";

    /// <summary>What the school's families owe its fund: service fees and 代收费 (debit: owed).</summary>
    public static string FamilyReceivable(Guid school) => $"family-receivable:{school:N}";

    /// <summary>The school fund's own money spent (debit: the fund bore it — waived shares of 家庭经济困难 pupils).</summary>
    public static string SchoolFund(Guid school) => $"school-fund:{school:N}";

    /// <summary>Booked and priced, not yet delivered: the quote's total waits here until settlement (credit: held).</summary>
    public static string Clearing(Guid school) => $"clearing:{school:N}";

    /// <summary>What this school's fund owes the provider for delivered lessons (credit: owed to the provider).</summary>
    public static string ProviderPayable(Guid provider, Guid school) => $"provider-payable:{provider:N}:{school:N}";

    /// <summary>代收费 used (insurance, tickets, transport …): owed at cost to whoever supplied it (credit: owed).</summary>
    public static string CollectedPayable(Guid school) => $"collected-payable:{school:N}";

    /// <summary>The school fund's bank (or fiscal) account: money in is a debit, money out a credit.</summary>
    public static string Cash(Guid school) => $"cash:{school:N}";

    /// <summary>One pupil's 家庭账单 (issue 18): what that family owes the school (debit: owed; credit: the school owes it back).</summary>
    public static string FamilyBill(Guid bill) => $"family-bill:{bill:N}";

    /// <summary>"provider-payable" of "provider-payable:0f…".</summary>
    public static string KindOf(string account) => account[..account.IndexOf(':', StringComparison.Ordinal)];
}

/// <summary>What caused a transaction; resource key <c>ledger.kind.{name}</c>.</summary>
public enum LedgerKind
{
    /// <summary>A booking was confirmed: its quote is owed to the fund (subsidy, family fees, waived, 代收费) and held in clearing.</summary>
    Commitment,
    /// <summary>Delivery settled (confirmed, unanswered, or decided by the bureau): the provider is owed attended × price; absences are credited back.</summary>
    Settlement,
    /// <summary>A confirmed booking was cancelled: its commitment is reversed.</summary>
    Cancellation,
    /// <summary>The school received money (families' fees, the bureau's subsidy).</summary>
    Receipt,
    /// <summary>The school paid a provider.</summary>
    Payment,
    /// <summary>A reversing entry for a mistaken transaction.</summary>
    Reversal,
    /// <summary>A pupil's bill line: the family's share, moved from the school's families' receivable to the family's own bill.</summary>
    Billing,
    /// <summary>A bill reduced (or a reduction undone) after absences or a withdrawal, under the district's refund rule.</summary>
    Credit,
    /// <summary>Money paid back to a family, on the channel it paid with.</summary>
    Refund,
}

/// <summary>One line of a transaction: debit positive, credit negative, in fen.</summary>
public sealed record LedgerEntry(string Account, long AmountFen);

/// <summary>
/// An immutable, balanced ledger transaction. Its id is derived from its <see cref="BusinessKey"/> (e.g.
/// <c>settlement:{bookingId}</c>), so posting the same business event twice is a duplicate insert the store refuses — a retry
/// posts nothing twice. It is inserted in the same commit as the state change that causes it. Never edited: a mistake is
/// corrected by a <see cref="LedgerKind.Reversal"/> of it.
/// </summary>
public sealed class LedgerTransaction : IAggregate
{
    [JsonConstructor]
    private LedgerTransaction() { }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public string BusinessKey { get; private set; } = "";
    [JsonInclude] public LedgerKind Kind { get; private set; }
    [JsonInclude] public DateTimeOffset PostedAt { get; private set; }

    /// <summary>The district whose bureau oversees it (the school's district).</summary>
    [JsonInclude] public string DistrictCode { get; private set; } = "";

    [JsonInclude] public Guid? SchoolId { get; private set; }
    [JsonInclude] public Guid? ProviderId { get; private set; }
    [JsonInclude] public Guid? BookingId { get; private set; }
    [JsonInclude] public Guid? PaymentId { get; private set; }

    /// <summary>The transaction this one reverses.</summary>
    [JsonInclude] public Guid? Reverses { get; private set; }

    [JsonInclude] public string Memo { get; private set; } = "";
    [JsonInclude] public IReadOnlyList<LedgerEntry> Entries { get; private set; } = [];

    /// <summary>The field a store's <see cref="DuplicateException"/> names when a transaction with this business key (this id) exists.</summary>
    public const string DuplicateField = "businessKey";

    public static Guid IdOf(string businessKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("ledger:" + businessKey));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    /// <summary>A transaction of these entries (zero lines dropped, lines on one account merged); throws unless they sum to zero.</summary>
    public static LedgerTransaction Post(
        string businessKey, LedgerKind kind, DateTimeOffset at, string district, IEnumerable<LedgerEntry> entries, string memo,
        Guid? schoolId = null, Guid? providerId = null, Guid? bookingId = null, Guid? paymentId = null, Guid? reverses = null)
    {
        var lines = entries.GroupBy(e => e.Account, StringComparer.Ordinal)
            .Select(g => new LedgerEntry(g.Key, g.Sum(e => e.AmountFen))).Where(e => e.AmountFen != 0).OrderBy(e => e.Account, StringComparer.Ordinal).ToList();
        if (lines.Sum(e => e.AmountFen) != 0) throw new InvalidOperationException($"Ledger transaction {businessKey} does not balance.");
        return new LedgerTransaction
        {
            Id = IdOf(businessKey), Version = 1, BusinessKey = businessKey, Kind = kind, PostedAt = at.ToUniversalTime(), DistrictCode = district,
            SchoolId = schoolId, ProviderId = providerId, BookingId = bookingId, PaymentId = paymentId, Reverses = reverses, Memo = memo, Entries = lines,
        };
    }

    /// <summary>The reversing entry: every line negated, keyed <c>reversal:{this key}</c>.</summary>
    public LedgerTransaction Reversal(DateTimeOffset at, string memo) => Post(
        "reversal:" + BusinessKey, LedgerKind.Reversal, at, DistrictCode, Entries.Select(e => e with { AmountFen = -e.AmountFen }), memo,
        SchoolId, ProviderId, BookingId, PaymentId, Id);

    /// <summary>Whether there is nothing to post (every line was zero).</summary>
    [JsonIgnore] public bool IsEmpty => Entries.Count == 0;
}
