using Marketplace.Core.Persistence;
using Marketplace.Core.Search;

namespace Marketplace.Api.Outbox;

/// <summary>The outbox's delivery side: the dispatcher, its two consumers (index projection, live push), the rebuild and the
/// store's retention sweep.</summary>
public static class OutboxModule
{
    public static IServiceCollection AddOutbox(this IServiceCollection services)
    {
        services.AddSingleton<OutboxSignal>().AddSingleton<ICommitObserver>(sp => sp.GetRequiredService<OutboxSignal>());
        services.AddSingleton(InstanceId.Create());
        services.AddSingleton<OfferingProjection>();
        services.AddSingleton<IndexProjectionConsumer>().AddSingleton<IOutboxConsumer>(sp => sp.GetRequiredService<IndexProjectionConsumer>());
        services.AddSingleton<IOutboxConsumer, LivePushConsumer>();
        services.AddSingleton<IndexRebuild>();
        services.AddSingleton<IndexHistoryGuard>();
        services.AddSingleton<IndexVerification>().AddSingleton<IndexVerify>();
        services.AddHostedService<OutboxDispatcher>();
        services.AddHostedService<StoreRetentionService>();
        return services;
    }
}
