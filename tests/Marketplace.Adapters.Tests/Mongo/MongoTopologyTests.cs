using Marketplace.Storage.Mongo;
using MongoDB.Bson;

namespace Marketplace.Adapters.Tests.Mongo;

/// <summary>
/// Start-up asks the server <c>hello</c> and refuses one that cannot run transactions. The replies are those the MongoDB
/// manual documents for the hello command: a replica set member names its <c>setName</c>, a mongos says <c>isdbgrid</c>.
/// </summary>
public sealed class MongoTopologyTests
{
    [Fact]
    public void TheCommand_IsHello() => Assert.Equal(BsonDocument.Parse("""{ "hello": 1 }"""), MongoTopology.HelloCommand);

    [Fact]
    public void AStandaloneServer_IsRefused_NamingTheConnectionStringSetting()
    {
        var standalone = BsonDocument.Parse("""
            { "isWritablePrimary": true, "topologyVersion": { "counter": 0 }, "maxBsonObjectSize": 16777216, "maxWireVersion": 25,
              "minWireVersion": 0, "readOnly": false, "ok": 1.0 }
            """);

        var error = Assert.Throws<InvalidOperationException>(() => MongoTopology.RequireTransactions(standalone));

        Assert.Contains("Marketplace:Mongo:ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains("replica set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AReplicaSetMember_IsAccepted() =>
        MongoTopology.RequireTransactions(BsonDocument.Parse("""
            { "isWritablePrimary": true, "setName": "rs0", "setVersion": 1, "hosts": [ "mongo:27017" ], "primary": "mongo:27017",
              "me": "mongo:27017", "maxWireVersion": 25, "ok": 1.0 }
            """));

    [Fact]
    public void AMongos_IsAccepted() =>
        MongoTopology.RequireTransactions(BsonDocument.Parse("""{ "isWritablePrimary": true, "msg": "isdbgrid", "maxWireVersion": 25, "ok": 1.0 }"""));

    /// <summary>A member started with --replSet before rs.initiate() (reached with directConnection=true) says so.</summary>
    [Fact]
    public void AReplicaSetMemberNotYetInitiated_IsRefused_SayingWhatToRun()
    {
        var ghost = BsonDocument.Parse("""
            { "isWritablePrimary": false, "secondary": false, "info": "Does not have a valid replica set config", "isreplicaset": true,
              "maxWireVersion": 25, "ok": 1.0 }
            """);

        var error = Assert.Throws<InvalidOperationException>(() => MongoTopology.RequireTransactions(ghost));

        Assert.Contains("rs.initiate()", error.Message, StringComparison.Ordinal);
        Assert.Contains("Marketplace:Mongo:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptySetName_IsNotAReplicaSet() =>
        Assert.Throws<InvalidOperationException>(() => MongoTopology.RequireTransactions(BsonDocument.Parse("""{ "setName": "", "ok": 1.0 }""")));
}
