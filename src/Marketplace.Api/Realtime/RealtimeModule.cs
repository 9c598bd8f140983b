using Marketplace.Core.Feed;

namespace Marketplace.Api.Realtime;

/// <summary>Live status over SignalR, and the change feed that is its guarantee (catch-up after a disconnect).</summary>
public static class RealtimeModule
{
    public static IServiceCollection AddRealtime(this IServiceCollection services)
    {
        services.AddSingleton<ChangeFeedQueries>();
        return services;
    }

    public static IEndpointRouteBuilder MapRealtime(this IEndpointRouteBuilder app)
    {
        EventsEndpoints.Map(app);
        app.MapHub<MarketplaceHub>(MarketplaceHub.Route).AllowAnonymous(); // anyone may watch availability; signed-in callers also get their own streams
        return app;
    }
}
