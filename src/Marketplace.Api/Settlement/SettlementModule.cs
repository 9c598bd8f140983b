using Marketplace.Api.Configuration;
using Marketplace.Core.Settlement;
using Marketplace.Payments.Stripe;

namespace Marketplace.Api.Settlement;

/// <summary>
/// Fee settlement (issue 15): funding policies, quotes, the ledger, delivery settlement, payments and statements. Payments go
/// through the offline adapter always (bank transfers and fiscal payments recorded with their reference) and through Stripe when
/// Marketplace:Payments is Stripe (Marketplace:Stripe:SecretKey and :WebhookSecret).
/// </summary>
public static class SettlementModule
{
    public static IServiceCollection AddSettlement(this IServiceCollection services, MarketplaceSettings settings, IConfiguration configuration)
    {
        services.AddSingleton<QuoteService>().AddSingleton<FundingPolicyCommands>().AddSingleton<StatementQueries>().AddSingleton<Reconciliation>()
            .AddSingleton<PaymentCommands>().AddSingleton<PaymentAccounts>().AddSingleton<StatementExport>();
        services.AddSingleton<IPaymentGateway, OfflinePaymentGateway>();
        if (settings.Payments == PaymentsKind.Stripe) services.AddStripePayments(configuration);
        return services;
    }

    public static IEndpointRouteBuilder MapSettlement(this IEndpointRouteBuilder app)
    {
        SettlementEndpoints.Map(app);
        return app;
    }
}
