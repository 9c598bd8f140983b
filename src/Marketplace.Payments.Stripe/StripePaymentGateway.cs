using System.Net;
using System.Runtime.CompilerServices;
using Marketplace.Core.Settlement;
using Stripe;

namespace Marketplace.Payments.Stripe;

/// <summary>
/// A school's payment of a provider's statement as a Stripe destination charge: a PaymentIntent in CNY on the platform account
/// whose funds are transferred to the provider's Connect account; the payer confirms it with the client secret. A family's
/// payment of its bill (<see cref="PaymentKind.FamilyFee"/>) is a WeChat Pay PaymentIntent created and confirmed here, on the
/// platform account for the school, whose QR code the guardian's page shows. Refunds go back on the PaymentIntent (原路返回).
/// </summary>
internal sealed class StripePaymentGateway(PaymentIntentService intents, RefundService refunds) : IPaymentGateway
{
    public const string NoConnectAccount = "no-connect-account";
    public const string NotAStripePayment = "not-a-stripe-payment";

    public string Name => "stripe";

    public bool TakesPayerPayments => true;

    public async Task<PaymentAttempt> StartAsync(PaymentOrder order, CancellationToken ct = default)
    {
        if (order.Kind == PaymentKind.FamilyFee) return await StartFamilyAsync(order, ct);
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

    /// <summary>
    /// A family's fee through WeChat Pay, created and confirmed in one call (payment_method_data type wechat_pay, client web):
    /// Stripe answers requires_action with next_action.wechat_pay_display_qr_code, whose image_data_url (a data: URL) the page
    /// shows. No transfer_data: the money is the school's, held on the platform account (the ledger's cash of the school).
    /// </summary>
    private async Task<PaymentAttempt> StartFamilyAsync(PaymentOrder order, CancellationToken ct)
    {
        var metadata = new Dictionary<string, string>
        {
            [StripePayments.PaymentIdKey] = order.PaymentId.ToString(),
            [StripePayments.SchoolIdKey] = order.SchoolId.ToString(),
            [StripePayments.KindKey] = StripePayments.FamilyFeeKind,
        };
        if (order.BillId is { } bill) metadata[StripePayments.BillIdKey] = bill.ToString();
        var create = new PaymentIntentCreateOptions
        {
            Amount = order.AmountFen,
            Currency = PaymentOrder.Currency,
            Description = order.Description,
            AllowedPaymentMethodTypes = ["wechat_pay"],
            PaymentMethodData = new PaymentIntentPaymentMethodDataOptions { Type = "wechat_pay" },
            PaymentMethodOptions = new PaymentIntentPaymentMethodOptionsOptions
            {
                WechatPay = new PaymentIntentPaymentMethodOptionsWechatPayOptions { Client = "web" },
            },
            Confirm = true,
            Metadata = metadata,
        };
        try
        {
            var intent = await intents.CreateAsync(create, new RequestOptions { IdempotencyKey = StripeIdempotencyKey.For(order.IdempotencyKey) }, ct);
            return new PaymentAttempt(intent.Id, StripePayments.State(intent.Status), FailureCode: intent.LastPaymentError?.Code)
            {
                QrImageDataUrl = intent.NextAction?.WechatPayDisplayQrCode?.ImageDataUrl,
            };
        }
        catch (StripeException e) when (IsRefusal(e.HttpStatusCode))
        {
            var error = e.StripeError;
            return new PaymentAttempt(error?.PaymentIntent?.Id, PaymentState.Failed, FailureCode: error?.Code ?? error?.Type ?? $"http-{(int)e.HttpStatusCode}");
        }
        catch (Exception e) when (OutcomeUnknown(e, ct))
        {
            return new PaymentAttempt(null, PaymentState.Unknown);
        }
    }

    /// <summary>
    /// A Refund on the PaymentIntent (<see cref="RefundOrder.OriginalReference"/>, pi_…) of the amount in fen, with the order's
    /// key. The PaymentIntent is read first: a destination charge (transfer_data.destination set — a school's payment of a
    /// provider) is refunded with reverse_transfer, taking the money back from the provider's account in proportion; a family's
    /// payment (no destination) is refunded from the platform's balance. A refusal (4xx) is Failed with Stripe's code; a timeout,
    /// 5xx, 409 or 429 is Unknown — the same key later replays Stripe's answer, and refund.updated settles it.
    /// </summary>
    public async Task<PaymentAttempt> RefundAsync(RefundOrder order, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(order.OriginalReference) || !order.OriginalReference.StartsWith("pi_", StringComparison.Ordinal))
            return new PaymentAttempt(null, PaymentState.Failed, FailureCode: NotAStripePayment);
        try
        {
            var intent = await intents.GetAsync(order.OriginalReference, cancellationToken: ct);
            var metadata = new Dictionary<string, string>
            {
                [StripePayments.RefundIdKey] = order.RefundId.ToString(),
                [StripePayments.SchoolIdKey] = order.SchoolId.ToString(),
            };
            if (order.BillId is { } bill) metadata[StripePayments.BillIdKey] = bill.ToString();
            var create = new RefundCreateOptions
            {
                PaymentIntent = order.OriginalReference,
                Amount = order.AmountFen,
                Reason = "requested_by_customer",
                Metadata = metadata,
                ReverseTransfer = string.IsNullOrEmpty(intent.TransferData?.DestinationId) ? null : true,
            };
            var refund = await refunds.CreateAsync(create, new RequestOptions { IdempotencyKey = StripeIdempotencyKey.For(order.IdempotencyKey) }, ct);
            return new PaymentAttempt(refund.Id, StripePayments.RefundState(refund.Status), FailureCode: refund.FailureReason);
        }
        catch (StripeException e) when (IsRefusal(e.HttpStatusCode))
        {
            var error = e.StripeError;
            return new PaymentAttempt(null, PaymentState.Failed, FailureCode: error?.Code ?? error?.Type ?? $"http-{(int)e.HttpStatusCode}");
        }
        catch (Exception e) when (OutcomeUnknown(e, ct))
        {
            return new PaymentAttempt(null, PaymentState.Unknown); // the refund may exist: only the same key, or refund.* events, tell
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
