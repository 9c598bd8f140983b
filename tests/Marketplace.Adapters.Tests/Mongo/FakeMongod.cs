using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;

namespace Marketplace.Adapters.Tests.Mongo;

/// <summary>
/// A stand-in for a mongod on loopback that speaks just enough of the wire protocol (OP_QUERY / OP_REPLY for a legacy
/// handshake, OP_MSG otherwise) for the driver to connect: it answers hello / isMaster with the reply it was given, ping with
/// ok, any other command with CommandNotFound, and records the commands it was sent. Lets start-up's topology check run through
/// the real driver without a server.
/// </summary>
internal sealed class FakeMongod : IAsyncDisposable
{
    private const int OpReply = 1, OpQuery = 2004, OpMsg = 2013;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly BsonDocument _hello;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _commands = new();
    private readonly Task _accepting;
    private readonly TimeSpan _holdTransactions;
    private int _transactions;
    private int _mostTransactions;

    /// <param name="hello">The reply to hello / isMaster.</param>
    /// <param name="holdTransactions">How long the first command of each transaction takes before it is refused: long
    /// enough for transactions the client runs at once to overlap here.</param>
    public FakeMongod(BsonDocument hello, TimeSpan holdTransactions = default)
    {
        (_hello, _holdTransactions) = (hello, holdTransactions);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string ConnectionString =>
        $"mongodb://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/?directConnection=true&serverSelectionTimeoutMS=3000&connectTimeoutMS=3000";

    /// <summary>The commands the driver sent, by name, in order (handshakes and heartbeats too).</summary>
    public IReadOnlyList<string> Commands => [.. _commands];

    /// <summary>The most transactions (first commands carrying startTransaction) the server had in hand at once.</summary>
    public int MostTransactionsAtOnce => Volatile.Read(ref _mostTransactions);

    /// <summary>What a server reports about itself, as the driver needs it, plus <paramref name="topology"/>.</summary>
    public static BsonDocument HelloReply(BsonDocument topology) => new BsonDocument
    {
        { "ismaster", true }, { "isWritablePrimary", true }, { "helloOk", true }, { "maxBsonObjectSize", 16 * 1024 * 1024 },
        { "maxMessageSizeBytes", 48_000_000 }, { "maxWriteBatchSize", 100_000 }, { "localTime", DateTime.UtcNow },
        { "logicalSessionTimeoutMinutes", 30 }, { "connectionId", 1 }, { "minWireVersion", 0 }, { "maxWireVersion", 21 },
        { "readOnly", false }, { "ok", 1.0 },
    }.Merge(topology, overwriteExistingElements: true);

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true) connections.Add(ServeAsync(await _listener.AcceptTcpClientAsync(_stop.Token)));
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            await Task.WhenAll(connections);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        try
        {
            while (true)
            {
                var header = new byte[16];
                await stream.ReadExactlyAsync(header, _stop.Token);
                var length = BinaryPrimitives.ReadInt32LittleEndian(header);
                var requestId = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
                var opCode = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12));
                var body = new byte[length - 16];
                await stream.ReadExactlyAsync(body, _stop.Token);
                var command = opCode == OpQuery ? QueryDocument(body) : MsgDocument(body);
                var reply = await AnswerAsync(command);
                await stream.WriteAsync(opCode == OpQuery ? Frame(OpReply, requestId, OpReplyBody(reply)) : Frame(OpMsg, requestId, OpMsgBody(reply)), _stop.Token);
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // the driver closed the connection, or the fake is stopping
        }
    }

    private async Task<BsonDocument> AnswerAsync(BsonDocument command)
    {
        var name = command.GetElement(0).Name;
        _commands.Enqueue(name);
        if (command.Contains("startTransaction"))
        {
            var now = Interlocked.Increment(ref _transactions);
            for (int most; (most = Volatile.Read(ref _mostTransactions)) < now && Interlocked.CompareExchange(ref _mostTransactions, now, most) != most;) { }
            await Task.Delay(_holdTransactions, _stop.Token);
            Interlocked.Decrement(ref _transactions);
        }
        return name.ToLowerInvariant() switch
        {
            "hello" or "ismaster" => _hello,
            "ping" => new BsonDocument("ok", 1.0),
            _ => new BsonDocument { { "ok", 0.0 }, { "errmsg", $"no such command: '{name}'" }, { "code", 59 }, { "codeName", "CommandNotFound" } },
        };
    }

    /// <summary>OP_QUERY: flags, full collection name (cstring), skip, return, then the command document.</summary>
    private static BsonDocument QueryDocument(byte[] body)
    {
        var nameEnd = Array.IndexOf(body, (byte)0, 4);
        return Document(body, nameEnd + 1 + 8);
    }

    /// <summary>OP_MSG: flag bits, then sections; the command is the kind-0 section (kind-1 sequences are skipped).</summary>
    private static BsonDocument MsgDocument(byte[] body)
    {
        for (var at = 4; at < body.Length;)
        {
            var kind = body[at++];
            var size = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(at));
            if (kind == 0) return Document(body, at);
            at += size;
        }
        throw new InvalidDataException("OP_MSG without a body section");
    }

    private static BsonDocument Document(byte[] body, int at)
    {
        var size = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(at));
        using var reader = new BsonBinaryReader(new MemoryStream(body, at, size));
        return BsonSerializer.Deserialize<BsonDocument>(reader);
    }

    private static byte[] OpReplyBody(BsonDocument reply)
    {
        var document = reply.ToBson();
        var body = new byte[20 + document.Length]; // response flags, cursor id, starting from, number returned
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(16), 1);
        document.CopyTo(body, 20);
        return body;
    }

    private static byte[] OpMsgBody(BsonDocument reply)
    {
        var document = reply.ToBson();
        var body = new byte[5 + document.Length]; // flag bits 0, section kind 0
        document.CopyTo(body, 5);
        return body;
    }

    private static int _nextId;

    private static byte[] Frame(int opCode, int responseTo, byte[] body)
    {
        var message = new byte[16 + body.Length];
        BinaryPrimitives.WriteInt32LittleEndian(message, message.Length);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(4), Interlocked.Increment(ref _nextId));
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(8), responseTo);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(12), opCode);
        body.CopyTo(message, 16);
        return message;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
