namespace Marketplace.Core.Settlement;

/// <summary>
/// Port: where money actually moves when a school pays a provider's statement. Two real adapters: offline (the default —
/// a bank transfer or fiscal payment made outside the platform and recorded here with its reference) and Stripe (a
/// PaymentIntent in CNY whose funds go to the provider's Connect account). A WeChat Pay / Alipay / UnionPay adapter fits the
/// same port (Stripe does not serve mainland-China entities for WeChat Pay). Every call carries the order's idempotency key,
/// so a retried call never charges twice.
/// </summary>
public interface IPaymentGateway
{
    /// <summary>"offline" or "stripe": stored on each payment, so reconciliation asks the gateway that took it.</summary>
    string Name { get; }

    /// <summary>
    /// Starts (Stripe: creates the PaymentIntent) or records (offline: succeeded at once, <see cref="PaymentOrder.Reference"/>
    /// required) one payment. A timeout or a lost answer is <see cref="PaymentState.Unknown"/>, never a guess: the webhook or
    /// <see cref="FindAsync"/> with the same idempotency key settles it later.
    /// </summary>
    Task<PaymentAttempt> StartAsync(PaymentOrder order, CancellationToken ct = default);

    /// <summary>The gateway's view of one payment (reconciliation, and an attempt whose outcome was unknown); null if it has none.</summary>
    Task<GatewayPayment?> FindAsync(string gatewayReference, CancellationToken ct = default);

    /// <summary>The gateway's payments created in [<paramref name="from"/>, <paramref name="to"/>) — what reconciliation matches the ledger's cash entries against.</summary>
    IAsyncEnumerable<GatewayPayment> ListAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default);

    /// <summary>
    /// Pays money back on a payment this gateway took (原路返回: a family's fee after absences or a withdrawal, issue 18). Offline:
    /// recorded with the original reference and succeeded at once (the school returns the money through the channel it came in
    /// by). Stripe: a Refund on the PaymentIntent, Pending until Stripe says it succeeded (the webhook's <c>refund.updated</c>);
    /// a timeout or a lost answer is <see cref="PaymentState.Unknown"/>, settled by the webhook or by asking again with the same key.
    /// </summary>
    Task<PaymentAttempt> RefundAsync(RefundOrder order, CancellationToken ct = default);

    /// <summary>
    /// True when a payer can pay through this gateway from a page (Stripe: a WeChat Pay QR code); false where money reaches the
    /// school outside the platform and the school records it (offline).
    /// </summary>
    bool TakesPayerPayments { get; }
}

/// <summary>
/// One refund on a payment: <see cref="OriginalReference"/> is the payment's reference at the gateway; the key is the same for
/// every retry. <see cref="BillId"/>: the family bill it pays back on (sent as metadata, so the gateway's event names it).
/// </summary>
public sealed record RefundOrder(Guid RefundId, string IdempotencyKey, long AmountFen, Guid SchoolId, string OriginalReference, string Reason, Guid? BillId = null);

/// <summary>What a payment is for: a school paying a provider's statement (the default), or a family paying its bill to the school.</summary>
public enum PaymentKind { ProviderStatement, FamilyFee }

/// <summary>
/// One payment from a school's fund to a provider: <see cref="AmountFen"/> in fen (CNY). <see cref="ProviderAccount"/> is the
/// provider's account at the gateway (Stripe: its Connect account id, acct_…), null for offline. <see cref="Reference"/>: the
/// bank or fiscal payment's reference (offline). <see cref="IdempotencyKey"/>: the same for every retry of this payment.
/// </summary>
public sealed record PaymentOrder(
    Guid PaymentId, string IdempotencyKey, long AmountFen, Guid SchoolId, Guid ProviderId, string Description,
    string? ProviderAccount = null, string? Reference = null)
{
    /// <summary><see cref="PaymentKind.FamilyFee"/>: no provider and no destination; the money stays with the platform for the
    /// school (ledger: the school's cash). <see cref="BillId"/> names the bill (metadata).</summary>
    public PaymentKind Kind { get; init; } = PaymentKind.ProviderStatement;

    public Guid? BillId { get; init; }

    public const string Currency = "cny";
}

public enum PaymentState { Pending, Succeeded, Failed, Unknown }

/// <summary>What the gateway answered: its reference for the payment (Stripe: pi_…; offline: the recorded reference), its state,
/// and for Stripe the client secret a payer's page would confirm with.</summary>
public sealed record PaymentAttempt(string? GatewayReference, PaymentState State, string? ClientSecret = null, string? FailureCode = null)
{
    /// <summary>A QR code the payer scans (Stripe WeChat Pay: next_action.wechat_pay_display_qr_code.image_data_url, a data: URL
    /// of a PNG), so the payer's page shows it without loading anything from outside the host.</summary>
    public string? QrImageDataUrl { get; init; }
}

/// <summary>A payment as the gateway knows it. <see cref="PaymentId"/>: ours, from the metadata we sent (null if the gateway has a payment we never made).</summary>
public sealed record GatewayPayment(
    string GatewayReference, long AmountFen, string Currency, PaymentState State, DateTimeOffset CreatedAt, Guid? PaymentId)
{
    /// <summary>The family bill a family's payment pays (metadata bill_id); null for a school's payment of a provider.</summary>
    public Guid? BillId { get; init; }
}

/// <summary>A refund as the gateway reports it: ours (<see cref="RefundId"/>, <see cref="BillId"/> from the metadata we sent) or null ids for one made elsewhere.</summary>
public sealed record GatewayRefund(string GatewayReference, string? PaymentReference, long AmountFen, PaymentState State, Guid? RefundId, Guid? BillId,
    string? FailureCode);

/// <summary>
/// Port: reads a gateway's webhook call. Verifies its signature (Stripe: the Stripe-Signature header, HMAC-SHA256 with the
/// webhook secret, 300 s tolerance) or throws <see cref="WebhookRejectedException"/>; returns the event, whose
/// <see cref="GatewayEvent.EventId"/> the application processes once.
/// </summary>
public interface IPaymentWebhook
{
    GatewayEvent Read(string body, string? signatureHeader);
}

/// <summary>
/// A verified webhook event. <see cref="Payment"/>: the payment it reports on (payment_intent.succeeded / .payment_failed /
/// .canceled / .processing), null for a type we do not act on (recorded and acknowledged, nothing posted); <see cref="Refund"/>:
/// the refund a refund event reports on.
/// </summary>
public sealed record GatewayEvent(string EventId, string Type, DateTimeOffset CreatedAt, GatewayPayment? Payment)
{
    /// <summary>The refund it reports on (refund.created / .updated / .failed, charge.refund.updated), else null.</summary>
    public GatewayRefund? Refund { get; init; }
}

/// <summary>A webhook call that is not from the gateway, tampered with, or too old (answered 400; the gateway retries real ones).</summary>
public sealed class WebhookRejectedException(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;
}
