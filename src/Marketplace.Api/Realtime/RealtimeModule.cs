using Marketplace.Core.Feed;

namespace Marketplace.Api.Realtime;

/// <summary>Live status over SignalR, and the change feed that is its guarantee (catch-up after a disconnect).</summary>
public static class RealtimeModule
{
    /// <summary>The hub is open to anonymous watchers, but a request that presents a token must present a valid one.</summary>
    public const string HubPolicy = "hub";

    public static IServiceCollection AddRealtime(this IServiceCollection services)
    {
        services.AddSingleton<ChangeFeedQueries>();
        // JwtBearer leaves a request with a bad token unauthenticated, which AllowAnonymous would treat as anonymous: a caller
        // whose token expired would be watching as nobody without knowing. Such a request is challenged (401) instead.
        services.AddAuthorizationBuilder().AddPolicy(HubPolicy, p => p.RequireAssertion(ctx =>
            ctx.User.Identity?.IsAuthenticated == true || ctx.Resource is HttpContext http && !PresentsToken(http.Request)));
        return services;
    }

    public static IEndpointRouteBuilder MapRealtime(this IEndpointRouteBuilder app)
    {
        EventsEndpoints.Map(app);
        app.MapHub<MarketplaceHub>(MarketplaceHub.Route).RequireAuthorization(HubPolicy);
        return app;
    }

    /// <summary>A bearer token in the Authorization header, or in the query string where browsers put it for WebSockets.</summary>
    private static bool PresentsToken(HttpRequest request) =>
        request.Headers.Authorization.Count > 0 || request.Query.ContainsKey("access_token");
}
