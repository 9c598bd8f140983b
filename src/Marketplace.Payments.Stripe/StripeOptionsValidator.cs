using Microsoft.Extensions.Options;

namespace Marketplace.Payments.Stripe;

/// <summary>Refuses start-up with every wrong Marketplace:Stripe setting named at once.</summary>
internal sealed class StripeOptionsValidator : IValidateOptions<StripeOptions>
{
    public ValidateOptionsResult Validate(string? name, StripeOptions options)
    {
        var errors = new List<string>();
        var p = StripeOptions.Section;
        if (string.IsNullOrWhiteSpace(options.SecretKey))
            errors.Add($"{p}:SecretKey is required when Marketplace:Payments is stripe (the platform's secret key, sk_live_… or sk_test_…).");
        else if (options.SecretKey.StartsWith("pk_", StringComparison.Ordinal))
            errors.Add($"{p}:SecretKey holds a publishable key (pk_…); the server needs the secret key (sk_…).");
        if (string.IsNullOrWhiteSpace(options.WebhookSecret))
            errors.Add($"{p}:WebhookSecret is required when Marketplace:Payments is stripe (the signing secret whsec_… of the endpoint for POST /api/webhooks/stripe).");
        if (options.ApiBase is { Length: > 0 } apiBase
            && !(Uri.TryCreate(apiBase, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
            errors.Add($"{p}:ApiBase must be an absolute http(s) URL when set (leave it empty for Stripe's API).");
        if (options.Timeout <= TimeSpan.Zero)
            errors.Add($"{p}:Timeout must be positive.");
        if (options.MaxNetworkRetries < 0)
            errors.Add($"{p}:MaxNetworkRetries must not be negative.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
