using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Payments.Stripe;

/// <summary>
/// The Idempotency-Key header Stripe gets for an order's key. HTTP headers carry ASCII only (HttpClient refuses a key such as
/// "pay-东城-1" before sending) and Stripe takes at most 255 characters, so any other key is sent as its SHA-256 — the same
/// for every retry, which is all idempotency needs.
/// </summary>
internal static class StripeIdempotencyKey
{
    private const int MaxLength = 255;

    public static string For(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return key.Length <= MaxLength && key.All(c => c is >= '!' and <= '~')
            ? key
            : "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }
}
