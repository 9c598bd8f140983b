using Marketplace.Api.Configuration;
using Marketplace.Core.Families;
using Marketplace.Core.Families.RollCall;

namespace Marketplace.Api.Families;

/// <summary>Families (issue 18, first part): pupils and guardians from the school's roster, guardian activation and sign-in, consent,
/// class lists for providers, counts for bureaus, and the pupils' retention.</summary>
public static class FamiliesModule
{
    public static IServiceCollection AddFamilies(this IServiceCollection services, MarketplaceSettings settings)
    {
        services.AddSingleton<Core.Families.Selection.SelectionCommands>().AddSingleton<Core.Families.Selection.SelectionQueries>();
        services.AddSingleton<PupilImportCommands>().AddSingleton<PupilCommands>().AddSingleton<PupilQueries>().AddSingleton<GuardianActivationCommands>();
        services.AddSingleton<RollCallCommands>().AddSingleton<RollCallQueries>();
        services.AddSingleton<Core.Families.Billing.FamilyBilling>().AddSingleton<Core.Families.Billing.FamilyBillCommands>()
            .AddSingleton<Core.Families.Billing.FamilyBillQueries>().AddSingleton<Outbox.IOutboxConsumer, Billing.FamilyBillingConsumer>();
        services.AddSingleton<Core.Families.Billing.GuardianBillPayments>();
        services.AddSingleton<Core.Families.Billing.FamilyFeeQueries>();
        services.AddSingleton<Core.Settlement.IPayerPaymentPostings, Core.Families.Billing.FamilyPaymentPostings>();
        if (settings.CodeSender == CodeSenderKind.Log) services.AddSingleton<ICodeSender, LogCodeSender>();
        else services.AddSingleton<ICodeSender, NoCodeSender>();
        return services.AddHostedService<PupilRetentionService>().AddHostedService<FamilyRefundRetryService>();
    }

    public static IEndpointRouteBuilder MapFamilies(this IEndpointRouteBuilder app)
    {
        PupilEndpoints.Map(app);
        GuardianEndpoints.Map(app);
        RollCallEndpoints.Map(app);
        Selection.SelectionEndpoints.Map(app);
        Billing.BillEndpoints.Map(app);
        Billing.FamilyFeeEndpoints.Map(app);
        return app;
    }
}
