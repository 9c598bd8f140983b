using MongoDB.Bson;

namespace Marketplace.Storage.Mongo;

/// <summary>
/// The store commits in multi-document transactions, which a standalone mongod refuses (IllegalOperation: "Transaction
/// numbers are only allowed on a replica set member or mongos"). A standalone server would still pass start-up and
/// health (ping), then fail every commit; so start-up asks the server what it is and refuses to go on.
/// </summary>
internal static class MongoTopology
{
    /// <summary>The <c>hello</c> command (MongoDB 4.4.2+; the driver 3.x needs 4.2 at least).</summary>
    public static BsonDocument HelloCommand => new("hello", 1);

    /// <summary>A replica set member answers with <c>setName</c>, a mongos with <c>msg: "isdbgrid"</c>; anything else is standalone.</summary>
    public static void RequireTransactions(BsonDocument hello)
    {
        if (hello.TryGetValue("setName", out var set) && set is BsonString { Value.Length: > 0 }) return;
        if (hello.TryGetValue("msg", out var msg) && msg is BsonString { Value: "isdbgrid" }) return;
        if (hello.TryGetValue("isreplicaset", out var ghost) && ghost.ToBoolean())
            throw new InvalidOperationException(
                "MongoDB was started as a replica set member (--replSet) but the set is not initiated yet: run rs.initiate() once " +
                $"on the server that {MongoStoreOptions.Section}:ConnectionString points at, then start again.");
        throw new InvalidOperationException(
            "MongoDB answered as a standalone server, but the store commits in transactions, which need a replica set (a single " +
            "member will do: start mongod with --replSet rs0 and run rs.initiate() once) or a sharded cluster. Point " +
            $"{MongoStoreOptions.Section}:ConnectionString at one, e.g. mongodb://mongo:27017/?replicaSet=rs0.");
    }
}
