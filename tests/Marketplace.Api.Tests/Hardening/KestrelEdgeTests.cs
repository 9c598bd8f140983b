using System.Net;
using System.Net.Sockets;
using System.Text;
using Marketplace.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests.Hardening;

/// <summary>The real host on a real Kestrel listener on 127.0.0.1 (an ephemeral port), without the demo.</summary>
public class KestrelFactory : MarketplaceFactory
{
    public KestrelFactory() : this(new Dictionary<string, string?>()) { }

    protected KestrelFactory(IDictionary<string, string?> settings) : base(new Dictionary<string, string?>(settings) { ["Marketplace:SeedDemo"] = "false" })
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
    }

    public Uri Address => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    /// <summary>Sends <paramref name="requestLine"/> exactly as written and returns the raw response text.</summary>
    public async Task<string> RawAsync(string requestLine, string extraHeaders = "")
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Address.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{requestLine}\r\nHost: 127.0.0.1\r\n{extraHeaders}Connection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await reader.ReadToEndAsync(timeout.Token);
    }
}

public sealed class SmallBodyKestrelFactory() : KestrelFactory(new Dictionary<string, string?>
{
    ["Marketplace:MaxRequestBodyBytes"] = "4096", ["Marketplace:MetricsAllowedNetworks"] = "10.0.0.0/8, fd00::/8",
});

/// <summary>
/// Issue 10 #10, #11, #12 where only a real Kestrel shows it: the request-line and body limits, the metrics networks,
/// and what Kestrel still answers by itself (documented in docs/operations.md).
/// </summary>
public class KestrelEdgeTests(KestrelFactory kestrel) : IClassFixture<KestrelFactory>
{
    [Fact]
    public async Task AHundredThousandCharacterQuery_Is414WithAProblemBody()
    {
        var response = await kestrel.CreateClient().GetAsync("/api/search/offerings?q=" + new string('a', 100_000));
        var problem = await response.AssertProblemAsync(414);
        Assert.Contains("8192", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AQueryJustOverTheAppLimit_Is414Problem_AndJustUnderIsAnsweredNormally()
    {
        var client = kestrel.CreateClient();
        await (await client.GetAsync("/api/search/offerings?x=" + new string('a', 8200))).AssertProblemAsync(414);
        await (await client.GetAsync("/api/search/offerings?x=" + new string('a', 8000))).AssertProblemAsync(400, "x");
    }

    [Fact]
    public async Task PercentZeroInThePath_IsRefusedByKestrelItself_BeforeTheApp()
    {
        // Kestrel rejects a path that decodes to NUL while parsing the request line; no middleware runs, so this 400 has no
        // body. docs/operations.md lists it with the other answers Kestrel gives by itself.
        var raw = await kestrel.RawAsync("GET /api/offerings/%00 HTTP/1.1");
        Assert.StartsWith("HTTP/1.1 400 Bad Request", raw, StringComparison.Ordinal);
        Assert.Contains("Content-Length: 0", raw, StringComparison.Ordinal);
        // A NUL in the query string does reach the app, and is answered with a problem.
        var query = await kestrel.RawAsync("GET /api/search/offerings?x=%00 HTTP/1.1");
        Assert.StartsWith("HTTP/1.1 400 Bad Request", query, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChunkedBodyOverTheLimit_IsCutOffBy413Problem()
    {
        var body = Encoding.UTF8.GetBytes($$"""{"username":"nobody","password":"secret","padding":"{{new string('x', 300 * 1024)}}"}""");
        using var content = new StreamContent(new UnknownLengthStream(body)); // no Content-Length: sent chunked
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var client = new HttpClient { BaseAddress = kestrel.Address };
        var response = await client.PostAsync("/api/auth/token", content);
        Assert.Null(response.RequestMessage!.Content!.Headers.ContentLength);
        await response.AssertProblemAsync(413);
    }

    [Fact]
    public async Task Metrics_AreServedToLoopback_AsPrometheusText()
    {
        await kestrel.CreateClient().GetAsync("/api/districts");
        var text = await kestrel.CreateClient().GetStringAsync("/metrics");
        Assert.Contains("http_server_request_duration", text, StringComparison.Ordinal);
    }
}

/// <summary>A stream whose length is unknown, so HttpClient sends no Content-Length.</summary>
internal sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
{
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
}

/// <summary>Marketplace:MaxRequestBodyBytes and Marketplace:MetricsAllowedNetworks take effect.</summary>
public class ConfiguredLimitTests(SmallBodyKestrelFactory kestrel) : IClassFixture<SmallBodyKestrelFactory>
{
    [Fact]
    public async Task TheConfiguredBodyLimit_IsTheOneApplied()
    {
        var client = kestrel.CreateClient();
        var small = await client.PostAsync("/api/auth/token", new StringContent("""{"username":"nobody","password":"secret"}""", Encoding.UTF8, "application/json"));
        await small.AssertProblemAsync(401);
        var large = await client.PostAsync("/api/auth/token",
            new StringContent($$"""{"username":"nobody","password":"secret","padding":"{{new string('x', 5000)}}"}""", Encoding.UTF8, "application/json"));
        var problem = await large.AssertProblemAsync(413);
        Assert.Contains("4096", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_FromLoopback_AreRefused_WhenLoopbackIsNotAnAllowedNetwork()
    {
        await (await kestrel.CreateClient().GetAsync("/metrics")).AssertProblemAsync(403);
    }
}
