using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Marketplace.Api.Tests.Infra;

/// <summary>
/// infra/nginx/nginx.conf, run for real: nginx on a loopback port in front of two stand-in replicas that echo what
/// they received. The copy differs from the shipped file only where loopback must stand in for the compose network:
/// upstream addresses, the listen port, the access log, and the trusted network (172.30.0.0/24, where compose's
/// gateway sits, becomes 127.0.0.1/32: a client connecting from 127.0.0.1 plays the host's TLS proxy, one bound to
/// 127.0.0.2 an untrusted peer). Skipped where nginx is not installed (./test.sh installs Debian's nginx-core).
/// </summary>
public class InfraNginxTests(InfraNginxTests.Nginx nginx) : IClassFixture<InfraNginxTests.Nginx>
{
    private const string Shipped = "infra/nginx/nginx.conf";

    [SkippableFact]
    public void NginxT_AcceptsTheShippedConfig()
    {
        var binary = InfraTools.Find("nginx");
        Skip.If(binary is null, "nginx is not installed (./test.sh installs Debian's nginx-core)");
        var dir = Directory.CreateTempSubdirectory("nginx-t-").FullName;
        try
        {
            // Only the upstream names change: nginx resolves them while loading, and api1/api2 exist only inside compose.
            var config = Nginx.Replace(InfraTools.Read(Shipped), @"server api1:8080\b", "server 127.0.0.1:8080");
            config = Nginx.Replace(config, @"server api2:8080\b", "server 127.0.0.2:8080");
            File.WriteAllText(Path.Combine(dir, "nginx.conf"), config);
            var result = InfraTools.Run(binary!, ["-t", "-p", dir + "/", "-c", Path.Combine(dir, "nginx.conf"), "-e", Path.Combine(dir, "error.log")]);
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("test is successful", result.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// Item 23: ip_hash used the first three octets, so every client of one /24 (and everything arriving through compose's
    /// gateway) went to one replica. The whole real client address is hashed now, and each client stays on its replica.
    /// </summary>
    [SkippableFact]
    public async Task ClientsOfOneSlash24_SpreadOverBothReplicas_AndEachStaysOnOne()
    {
        nginx.SkipIfAbsent();
        var seen = new Dictionary<string, HashSet<string>>();
        for (var round = 0; round < 3; round++)
            for (var i = 1; i <= 40; i++)
            {
                var client = $"203.0.113.{i}";
                var echo = await nginx.GetAsync(nginx.TrustedClient, "/api/districts", ("X-Forwarded-For", client));
                (seen.TryGetValue(client, out var replicas) ? replicas : seen[client] = []).Add(echo["replica"]!.GetValue<string>());
            }
        Assert.All(seen, s => Assert.True(s.Value.Count == 1, $"{s.Key} was served by {string.Join(" and ", s.Value)}"));
        var used = seen.Values.SelectMany(r => r).ToHashSet();
        Assert.True(used.SetEquals(["api1", "api2"]), $"40 clients of 203.0.113.0/24 all went to {string.Join(", ", used)}");
    }

    [SkippableFact]
    public async Task ForwardedFor_FromTheTrustedProxy_NamesTheClient_AndKeepsTheChainForTheApi()
    {
        nginx.SkipIfAbsent();
        var echo = await nginx.GetAsync(nginx.TrustedClient, "/api/districts", ("X-Forwarded-For", "198.51.100.9, 203.0.113.5"));
        Assert.Equal("203.0.113.5", echo["realIp"]!.GetValue<string>());
        // The API walks this chain through its own trusted networks: its peer (nginx), then the proxy, then the client.
        Assert.Equal("198.51.100.9, 203.0.113.5, 127.0.0.1", echo["forwardedFor"]!.GetValue<string>());

        var direct = await nginx.GetAsync(nginx.TrustedClient, "/api/districts");
        Assert.Equal("127.0.0.1", direct["realIp"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", direct["forwardedFor"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task ForwardedFor_FromAnUntrustedPeer_DoesNotChooseTheClientAddress_NorTheReplica()
    {
        nginx.SkipIfAbsent();
        var replicas = new HashSet<string>();
        for (var i = 1; i <= 20; i++)
        {
            var echo = await nginx.GetAsync(nginx.UntrustedClient, "/api/districts", ("X-Forwarded-For", $"203.0.113.{i}"));
            Assert.Equal("127.0.0.2", echo["realIp"]!.GetValue<string>());
            Assert.Equal($"203.0.113.{i}, 127.0.0.2", echo["forwardedFor"]!.GetValue<string>());
            replicas.Add(echo["replica"]!.GetValue<string>());
        }
        Assert.Single(replicas);
    }

    /// <summary>Item 23: a TLS proxy's X-Forwarded-Proto: https must reach the API (nginx itself speaks plain HTTP).</summary>
    [SkippableTheory]
    [InlineData(true, "https", "https")]
    [InlineData(true, "http", "http")]
    [InlineData(true, null, "http")]
    [InlineData(true, "javascript", "http")]
    [InlineData(false, "https", "http")]
    public async Task ForwardedProto_OfTheTrustedProxyIsKept_AnyoneElsesIsReplacedByTheScheme(bool trusted, string? sent, string expected)
    {
        nginx.SkipIfAbsent();
        (string, string)[] headers = sent is null ? [] : [("X-Forwarded-Proto", sent)];
        var echo = await nginx.GetAsync(trusted ? nginx.TrustedClient : nginx.UntrustedClient, "/api/districts", headers);
        Assert.Equal(expected, echo["forwardedProto"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Hubs_UpgradeToWebSockets_ThroughTheProxy()
    {
        nginx.SkipIfAbsent();
        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{nginx.Port}/hubs/marketplace"), timeout.Token);
        await socket.SendAsync("ping"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        var buffer = new byte[256];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Matches("^api[12]:ping$", Encoding.UTF8.GetString(buffer, 0, received.Count));

        // Plain requests keep the upstream connection alive rather than passing the client's Connection header on.
        var plain = await nginx.GetAsync(nginx.TrustedClient, "/hubs/marketplace/negotiate");
        Assert.Equal("", plain["connection"]!.GetValue<string>());
    }

    /// <summary>nginx with the shipped configuration in front of two echoing stand-ins for api1 and api2.</summary>
    public sealed class Nginx : IAsyncLifetime
    {
        private readonly string? _binary = InfraTools.Find("nginx");
        private readonly List<WebApplication> _replicas = [];
        private string? _dir;
        private Process? _process;

        public int Port { get; private set; }

        /// <summary>Connects from 127.0.0.1, which this copy trusts as compose's network is trusted in production.</summary>
        public HttpClient TrustedClient { get; } = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

        /// <summary>Connects from 127.0.0.2, which is not trusted.</summary>
        public HttpClient UntrustedClient { get; } = new(new SocketsHttpHandler { UseProxy = false, ConnectCallback = ConnectFrom127002 }) { Timeout = TimeSpan.FromSeconds(10) };

        public void SkipIfAbsent() => Skip.If(_binary is null, "nginx is not installed (./test.sh installs Debian's nginx-core)");

        public async Task<JsonNode> GetAsync(HttpClient client, string path, params (string Name, string Value)[] headers)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{Port}{path}");
            foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} from nginx: {body} {ErrorLog()}");
            return JsonNode.Parse(body)!;
        }

        public async Task InitializeAsync()
        {
            if (_binary is null) return;
            var api1 = await StartReplicaAsync("api1");
            var api2 = await StartReplicaAsync("api2");
            Port = FreePort();
            _dir = Directory.CreateTempSubdirectory("nginx-run-").FullName;
            // Worker processes run as nobody when the tests run as root: let them into the prefix for their temp files.
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_dir, (UnixFileMode)0b111_101_101);

            var config = InfraTools.Read(Shipped);
            config = Replace(config, @"server api1:8080\b", $"server 127.0.0.1:{api1}");
            config = Replace(config, @"server api2:8080\b", $"server 127.0.0.1:{api2}");
            config = Replace(config, @"listen 8080;", $"listen 127.0.0.1:{Port};");
            config = Replace(config, @"172\.30\.0\.0/24", "127.0.0.1/32");
            config = Replace(config, @"access_log /dev/stdout", $"access_log {_dir}/access.log");
            File.WriteAllText(Path.Combine(_dir, "nginx.conf"), config);

            var start = new ProcessStartInfo(_binary)
            {
                UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir,
            };
            foreach (var argument in new[] { "-p", _dir + "/", "-c", Path.Combine(_dir, "nginx.conf"), "-e", Path.Combine(_dir, "error.log"),
                         "-g", $"daemon off; pid {_dir}/nginx.pid;" })
                start.ArgumentList.Add(argument);
            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();

            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (true)
            {
                if (_process.HasExited) throw new InvalidOperationException($"nginx exited with {_process.ExitCode}: {ErrorLog()}");
                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, Port);
                    return;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }
            }
        }

        public async Task DisposeAsync()
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process?.Dispose();
            foreach (var replica in _replicas) await replica.DisposeAsync();
            TrustedClient.Dispose();
            UntrustedClient.Dispose();
            if (_dir is not null) Directory.Delete(_dir, recursive: true);
        }

        /// <summary>Replaces a pattern that must occur in the shipped file: a changed file fails loudly here, not vaguely later.</summary>
        internal static string Replace(string config, string pattern, string replacement)
        {
            Assert.True(Regex.IsMatch(config, pattern), $"{Shipped} no longer contains /{pattern}/; update {nameof(InfraNginxTests)}");
            return Regex.Replace(config, pattern, replacement);
        }

        private string ErrorLog() => _dir is not null && File.Exists(Path.Combine(_dir, "error.log")) ? File.ReadAllText(Path.Combine(_dir, "error.log")) : "";

        /// <summary>Answers every request with what a replica would see of it; on /hubs/ also accepts WebSockets and echoes once.</summary>
        private async Task<int> StartReplicaAsync(string name)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            app.UseWebSockets();
            app.Run(async context =>
            {
                if (context.WebSockets.IsWebSocketRequest)
                {
                    using var socket = await context.WebSockets.AcceptWebSocketAsync();
                    var buffer = new byte[256];
                    var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                    var reply = Encoding.UTF8.GetBytes($"{name}:{Encoding.UTF8.GetString(buffer, 0, received.Count)}");
                    await socket.SendAsync(reply, WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", context.RequestAborted);
                    return;
                }
                var headers = context.Request.Headers;
                await context.Response.WriteAsJsonAsync(new JsonObject
                {
                    ["replica"] = name,
                    ["forwardedFor"] = headers["X-Forwarded-For"].ToString(),
                    ["forwardedProto"] = headers["X-Forwarded-Proto"].ToString(),
                    ["realIp"] = headers["X-Real-IP"].ToString(),
                    ["connection"] = headers.Connection.ToString(),
                });
            });
            await app.StartAsync();
            _replicas.Add(app);
            return new Uri(app.Urls.Single()).Port;
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private static async ValueTask<Stream> ConnectFrom127002(SocketsHttpConnectionContext context, CancellationToken ct)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }
}
