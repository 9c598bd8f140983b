using Marketplace.Core.Settlement;
using Stripe;

namespace Marketplace.Payments.Stripe;

/// <summary>How a PaymentIntent reads as a <see cref="GatewayPayment"/>, and how its status reads as a <see cref="PaymentState"/>.</summary>
internal static class StripePayments
{
    public const string PaymentIdKey = "payment_id";
    public const string SchoolIdKey = "school_id";
    public const string ProviderIdKey = "provider_id";
    public const string BillIdKey = "bill_id";
    public const string RefundIdKey = "refund_id";
    public const string KindKey = "kind";
    public const string FamilyFeeKind = "family_fee";

    /// <summary>Stripe's PaymentIntent statuses; one we do not know yet is <see cref="PaymentState.Unknown"/>, not a guess.</summary>
    public static PaymentState State(string? status) => status switch
    {
        "succeeded" => PaymentState.Succeeded,
        "requires_payment_method" or "requires_confirmation" or "requires_action" or "processing" or "requires_capture" => PaymentState.Pending,
        "canceled" => PaymentState.Failed,
        _ => PaymentState.Unknown,
    };

    /// <summary>Stripe's Refund statuses: pending and requires_action wait, failed and canceled gave nothing back.</summary>
    public static PaymentState RefundState(string? status) => status switch
    {
        "succeeded" => PaymentState.Succeeded,
        "pending" or "requires_action" => PaymentState.Pending,
        "failed" or "canceled" => PaymentState.Failed,
        _ => PaymentState.Unknown,
    };

    public static GatewayPayment Payment(PaymentIntent intent) => new(
        intent.Id, intent.Amount, intent.Currency, State(intent.Status),
        new DateTimeOffset(DateTime.SpecifyKind(intent.Created, DateTimeKind.Utc)), IdOf(intent.Metadata, PaymentIdKey))
    {
        BillId = IdOf(intent.Metadata, BillIdKey),
    };

    public static GatewayRefund Refund(Refund refund) => new(
        refund.Id, refund.PaymentIntentId, refund.Amount, RefundState(refund.Status), IdOf(refund.Metadata, RefundIdKey), IdOf(refund.Metadata, BillIdKey),
        refund.FailureReason);

    private static Guid? IdOf(Dictionary<string, string>? metadata, string key) =>
        metadata is not null && metadata.TryGetValue(key, out var text) && Guid.TryParse(text, out var id) ? id : null;
}
