using Marketplace.Core.Settlement;
using Stripe;

namespace Marketplace.Payments.Stripe;

/// <summary>How a PaymentIntent reads as a <see cref="GatewayPayment"/>, and how its status reads as a <see cref="PaymentState"/>.</summary>
internal static class StripePayments
{
    public const string PaymentIdKey = "payment_id";
    public const string SchoolIdKey = "school_id";
    public const string ProviderIdKey = "provider_id";

    /// <summary>Stripe's PaymentIntent statuses; one we do not know yet is <see cref="PaymentState.Unknown"/>, not a guess.</summary>
    public static PaymentState State(string? status) => status switch
    {
        "succeeded" => PaymentState.Succeeded,
        "requires_payment_method" or "requires_confirmation" or "requires_action" or "processing" or "requires_capture" => PaymentState.Pending,
        "canceled" => PaymentState.Failed,
        _ => PaymentState.Unknown,
    };

    public static GatewayPayment Payment(PaymentIntent intent) => new(
        intent.Id, intent.Amount, intent.Currency, State(intent.Status),
        new DateTimeOffset(DateTime.SpecifyKind(intent.Created, DateTimeKind.Utc)), PaymentId(intent.Metadata));

    private static Guid? PaymentId(Dictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue(PaymentIdKey, out var text) && Guid.TryParse(text, out var id) ? id : null;
}
