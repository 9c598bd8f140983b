using Marketplace.Core.Settlement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Stripe;

namespace Marketplace.Payments.Stripe;

public static class StripeServiceCollectionExtensions
{
    /// <summary>
    /// Registers Stripe as the <see cref="IPaymentGateway"/> and <see cref="IPaymentWebhook"/>, with options from the section
    /// <c>Marketplace:Stripe</c> of <paramref name="configuration"/> (the app's root configuration), validated at start-up.
    /// </summary>
    public static IServiceCollection AddStripePayments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StripeOptions>().Bind(configuration.GetSection(StripeOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StripeOptions>, StripeOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IPaymentGateway>(sp =>
        {
            var client = CreateClient(sp.GetRequiredService<IOptions<StripeOptions>>().Value);
            return new StripePaymentGateway(new PaymentIntentService(client), new RefundService(client));
        });
        services.AddSingleton<IPaymentWebhook, StripeWebhookReader>();
        return services;
    }

    internal static StripeClient CreateClient(StripeOptions options)
    {
        // One HttpClient for the app's life; pooled connections are renewed so a change of Stripe's addresses is picked up.
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = options.Timeout };
        return new StripeClient(new StripeClientOptions
        {
            ApiKey = options.SecretKey,
            ApiBase = string.IsNullOrEmpty(options.ApiBase) ? null : options.ApiBase.TrimEnd('/'),
            HttpClient = new SystemNetHttpClient(http, options.MaxNetworkRetries, enableTelemetry: false),
        });
    }
}
