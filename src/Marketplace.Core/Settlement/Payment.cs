using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Settlement;

/// <summary>
/// One payment from a school's fund to a provider, through a gateway (<see cref="Gateway"/>: "offline" or "stripe"). Offline
/// payments are recorded after the money moved (a bank transfer or fiscal payment, with its reference) and succeed at once;
/// Stripe payments start Pending and succeed or fail when the gateway's webhook says so. The ledger posts the payment
/// (provider payable ← school cash) in the commit that marks it Succeeded, keyed <c>payment:{Id}</c>.
/// </summary>
public sealed class Payment : IAggregate
{
    [JsonConstructor]
    private Payment() { }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public Guid SchoolId { get; private set; }
    [JsonInclude] public Guid ProviderId { get; private set; }
    [JsonInclude] public string DistrictCode { get; private set; } = "";
    [JsonInclude] public long AmountFen { get; private set; }

    /// <summary>The statement month it pays (yyyy-MM), or null for a payment on account.</summary>
    [JsonInclude] public string? Month { get; private set; }

    [JsonInclude] public string Gateway { get; private set; } = "";

    /// <summary>Offline: the bank or fiscal reference; Stripe: the PaymentIntent id (pi_…), once known.</summary>
    [JsonInclude] public string? GatewayReference { get; private set; }

    [JsonInclude] public PaymentState State { get; private set; }
    [JsonInclude] public string? FailureCode { get; private set; }
    [JsonInclude] public string IdempotencyKey { get; private set; } = "";
    [JsonInclude] public DateTimeOffset CreatedAt { get; private set; }
    [JsonInclude] public DateTimeOffset? SettledAt { get; private set; }
    [JsonInclude] public string RecordedBy { get; private set; } = "";

    public static Payment Start(Guid id, Guid schoolId, Guid providerId, string district, long amountFen, string? month, string gateway,
        string idempotencyKey, DateTimeOffset now, string by) => new()
    {
        Id = id, Version = 1, SchoolId = schoolId, ProviderId = providerId, DistrictCode = district, AmountFen = amountFen, Month = month,
        Gateway = gateway, IdempotencyKey = idempotencyKey, CreatedAt = now, RecordedBy = by, State = PaymentState.Pending,
    };

    /// <summary>Takes the gateway's answer; true when this moved the payment to Succeeded (the caller posts it to the ledger then).</summary>
    public bool Apply(PaymentState state, string? gatewayReference, string? failureCode, DateTimeOffset now)
    {
        if (State is PaymentState.Succeeded or PaymentState.Failed) return false; // final: a late or replayed answer changes nothing
        GatewayReference ??= gatewayReference;
        if (state == State) return false;
        State = state;
        FailureCode = state == PaymentState.Failed ? failureCode : null;
        if (state is PaymentState.Succeeded or PaymentState.Failed) SettledAt = now;
        Version++;
        return state == PaymentState.Succeeded;
    }

    /// <summary>The ledger transaction of a succeeded payment: the provider's payable from this school is paid from its cash.</summary>
    public LedgerTransaction Posting(DateTimeOffset at) => LedgerTransaction.Post(
        $"payment:{Id:N}", LedgerKind.Payment, at, DistrictCode,
        [new LedgerEntry(Accounts.ProviderPayable(ProviderId, SchoolId), AmountFen), new LedgerEntry(Accounts.Cash(SchoolId), -AmountFen)],
        $"{Gateway} {GatewayReference}", SchoolId, ProviderId, paymentId: Id);
}
