using System.Net;
using System.Runtime.CompilerServices;
using Marketplace.Core.Settlement;
using Stripe;

namespace Marketplace.Payments.Stripe;

/// <summary>
/// A school's payment of a provider's statement as a Stripe destination charge: a PaymentIntent in CNY on the platform account
/// whose funds are transferred to the provider's Connect account. The payer confirms it with the client secret.
/// </summary>
internal sealed class StripePaymentGateway(PaymentIntentService intents) : IPaymentGateway
{
    public const string NoConnectAccount = "no-connect-account";

    public string Name => "stripe";

    public async Task<PaymentAttempt> StartAsync(PaymentOrder order, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(order.ProviderAccount))
            return new PaymentAttempt(null, PaymentState.Failed, FailureCode: NoConnectAccount);
        var create = new PaymentIntentCreateOptions
        {
            Amount = order.AmountFen, // CNY's minor unit is the fen, which is what Stripe counts in
            Currency = PaymentOrder.Currency,
            Description = order.Description,
            TransferData = new PaymentIntentTransferDataOptions { Destination = order.ProviderAccount },
            Metadata = new Dictionary<string, string>
            {
                [StripePayments.PaymentIdKey] = order.PaymentId.ToString(),
                [StripePayments.SchoolIdKey] = order.SchoolId.ToString(),
                [StripePayments.ProviderIdKey] = order.ProviderId.ToString(),
            },
        };
        try
        {
            var intent = await intents.CreateAsync(create, new RequestOptions { IdempotencyKey = StripeIdempotencyKey.For(order.IdempotencyKey) }, ct);
            return new PaymentAttempt(intent.Id, StripePayments.State(intent.Status), intent.ClientSecret, intent.LastPaymentError?.Code);
        }
        catch (StripeException e) when (IsRefusal(e.HttpStatusCode))
        {
            var error = e.StripeError;
            return new PaymentAttempt(error?.PaymentIntent?.Id, PaymentState.Failed, FailureCode: error?.Code ?? error?.Type ?? $"http-{(int)e.HttpStatusCode}");
        }
        catch (Exception e) when (OutcomeUnknown(e, ct))
        {
            // The request may have reached Stripe and created the PaymentIntent: only the same idempotency key (a retried
            // StartAsync replays Stripe's stored answer), the webhook or a listing settles it — never a new key.
            return new PaymentAttempt(null, PaymentState.Unknown);
        }
    }

    public async Task<GatewayPayment?> FindAsync(string gatewayReference, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(gatewayReference);
        try
        {
            return StripePayments.Payment(await intents.GetAsync(gatewayReference, cancellationToken: ct));
        }
        catch (StripeException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async IAsyncEnumerable<GatewayPayment> ListAsync(DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken ct = default)
    {
        // Stripe's created is whole seconds: created >= from ⇔ created >= ⌈from⌉, and created < to ⇔ created < ⌈to⌉.
        var list = new PaymentIntentListOptions
        {
            Created = new DateRangeOptions { GreaterThanOrEqual = CeilingSecond(from), LessThan = CeilingSecond(to) },
            Limit = 100,
        };
        await foreach (var intent in intents.ListAutoPagingAsync(list, cancellationToken: ct))
            yield return StripePayments.Payment(intent);
    }

    /// <summary>A 4xx is Stripe's answer that it did not (or will not) take the payment; 409 means a request with the same
    /// key is still running, 429 that nothing ran — both are asked again with the same key, so neither is a failure.</summary>
    private static bool IsRefusal(HttpStatusCode status) =>
        (int)status is >= 400 and < 500 && status is not (HttpStatusCode.Conflict or HttpStatusCode.TooManyRequests);

    private static bool OutcomeUnknown(Exception e, CancellationToken ct) => e switch
    {
        StripeException => true, // 5xx, 409, 429, or a 200 whose body is not a PaymentIntent
        HttpRequestException => true,
        OperationCanceledException => !ct.IsCancellationRequested, // HttpClient's timeout, not the caller giving up
        _ => false,
    };

    private static DateTime CeilingSecond(DateTimeOffset t)
    {
        var utc = t.UtcDateTime;
        var whole = utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerSecond));
        return whole == utc ? utc : whole.AddSeconds(1);
    }
}
