using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace Marketplace.Api.Hosting;

/// <summary>
/// Behind a reverse proxy (infra/nginx) every request arrives from the proxy's address, so the per-client login
/// limit would throttle the whole district as one client. Marketplace:TrustedProxies names the proxies (addresses or
/// networks, comma-separated); X-Forwarded-For and X-Forwarded-Proto are believed only when they come from one of them,
/// and the client is the nearest address in X-Forwarded-For that is not a trusted proxy. Unset: the headers are ignored,
/// so a client connecting directly cannot choose the address it is limited by.
/// </summary>
public static class TrustedProxies
{
    public static void AddTrustedProxies(this IServiceCollection services, IReadOnlyList<IPNetwork> proxies)
    {
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var network in proxies) o.KnownIPNetworks.Add(network);
            o.ForwardLimit = null; // walk back through every trusted hop (a TLS terminator in front of nginx, say)
        });
    }

    /// <summary>Runs first, so that logging, rate limits and everything else see the client's address.</summary>
    public static void UseTrustedProxies(this WebApplication app)
    {
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardedHeadersOptions>>().Value.KnownIPNetworks.Count > 0)
            app.UseForwardedHeaders();
    }

    /// <summary>Marketplace:TrustedProxies (or another <paramref name="key"/>) — addresses or networks, comma-separated; each bad entry is added to <paramref name="errors"/>.</summary>
    internal static List<IPNetwork> Parse(string? value, List<string> errors, string key = "TrustedProxies")
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in (value ?? "").Split([',', '，', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPAddress.TryParse(entry, out var address)) networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            else if (IPNetwork.TryParse(entry, out var network)) networks.Add(network);
            else errors.Add($"Marketplace:{key}: '{entry}' is neither an IP address nor a network such as 172.30.0.0/24.");
        }
        return networks;
    }
}
