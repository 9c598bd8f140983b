using Marketplace.Core.Settlement;
using Microsoft.Extensions.Options;
using Stripe;

namespace Marketplace.Payments.Stripe;

/// <summary>
/// Verifies a Stripe webhook call (Stripe-Signature: HMAC-SHA256 of "{t}.{body}" with the endpoint's secret, t within 300 s
/// of our clock) and reads its event. The event's api_version may differ from Stripe.net's pinned one: we read only the
/// PaymentIntent and Refund fields that every version has.
/// </summary>
internal sealed class StripeWebhookReader(IOptions<StripeOptions> options, TimeProvider time) : IPaymentWebhook
{
    public const long ToleranceSeconds = 300;

    private readonly string secret = options.Value.WebhookSecret;

    public GatewayEvent Read(string body, string? signatureHeader)
    {
        if (string.IsNullOrWhiteSpace(signatureHeader))
            throw new WebhookRejectedException("The Stripe-Signature header is missing.");
        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(body, signatureHeader, secret, ToleranceSeconds, time.GetUtcNow().ToUnixTimeSeconds(),
                throwOnApiVersionMismatch: false);
        }
        catch (StripeException e)
        {
            throw new WebhookRejectedException(e.Message); // wrong secret, tampered body, or a timestamp outside the tolerance
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or System.Text.Json.JsonException)
        {
            // A malformed header (t not a number) or a signed body that is not an event.
            throw new WebhookRejectedException($"The webhook could not be read: {e.Message}");
        }
        var payment = stripeEvent.Type.StartsWith("payment_intent.", StringComparison.Ordinal) && stripeEvent.Data?.Object is PaymentIntent intent
            ? StripePayments.Payment(intent)
            : null;
        // A family's WeChat Pay payment is confirmed once, by the server, for one QR code: when it fails the PaymentIntent goes back
        // to requires_payment_method and nobody confirms it again, so the attempt is over (the guardian starts a new one).
        if (payment is not null && stripeEvent.Type == "payment_intent.payment_failed" && stripeEvent.Data?.Object is PaymentIntent failed
            && failed.Metadata?.GetValueOrDefault(StripePayments.KindKey) == StripePayments.FamilyFeeKind)
            payment = payment with { State = PaymentState.Failed };
        // refund.created / refund.updated / refund.failed (and the older charge.refund.updated) carry the Refund itself.
        var refund = stripeEvent.Data?.Object is Refund r ? StripePayments.Refund(r) : null;
        return new GatewayEvent(stripeEvent.Id, stripeEvent.Type, new DateTimeOffset(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc)), payment)
        {
            Refund = refund,
        };
    }
}
