namespace Marketplace.Payments.Stripe;

/// <summary>Section <c>Marketplace:Stripe</c>. Only the two secrets are needed; the rest has working defaults.</summary>
public sealed class StripeOptions
{
    public const string Section = "Marketplace:Stripe";

    /// <summary>The platform account's secret key (sk_live_…, sk_test_…, or a restricted rk_… key with PaymentIntents access).</summary>
    public string SecretKey { get; set; } = "";

    /// <summary>The signing secret (whsec_…) of the webhook endpoint registered for POST /api/webhooks/stripe.</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>Stripe's API by default; tests point it at a local stand-in.</summary>
    public string? ApiBase { get; set; }

    /// <summary>One HTTP attempt waits this long; then the payment's outcome is unknown, not failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Stripe.net re-sends a request that failed on the network, a 409 or a 5xx this many times, with the same idempotency key.</summary>
    public int MaxNetworkRetries { get; set; } = 2;
}
