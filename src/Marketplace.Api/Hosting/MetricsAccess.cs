using Marketplace.Api.Localization;
using System.Net;
using Marketplace.Api.Configuration;
using Marketplace.Api.Errors;
using Microsoft.AspNetCore.Mvc;
using IPNetwork = System.Net.IPNetwork;

namespace Marketplace.Api.Hosting;

/// <summary>
/// /metrics is anonymous (Prometheus scrapes without a token) and tells anyone the traffic of every route, so it is
/// served only to clients in Marketplace:MetricsAllowedNetworks — loopback unless configured. Behind a reverse proxy the
/// client is the address Marketplace:TrustedProxies resolves, so a proxy in the allowed network does not open it to all.
/// </summary>
public static class MetricsAccess
{
    public const string Path = "/metrics";

    public static void UseMetricsAccess(this WebApplication app)
    {
        var networks = app.Services.GetRequiredService<MarketplaceSettings>().MetricsAllowedNetworks;
        app.UseWhen(http => http.Request.Path.StartsWithSegments(Path), branch => branch.Use(async (http, next) =>
        {
            if (IsAllowed(http.Connection.RemoteIpAddress, networks))
            {
                await next(http);
                return;
            }
            await Problems.WriteAsync(http, new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Title = http.Render(new("metrics.network-refused")),
            });
        }));
    }

    /// <summary>An unknown address (an in-memory server, a Unix socket) is not allowed.</summary>
    internal static bool IsAllowed(IPAddress? address, IReadOnlyList<IPNetwork> networks)
    {
        if (address is null) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return networks.Any(n => n.Contains(address));
    }
}
