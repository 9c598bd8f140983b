using Marketplace.Storage.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Marketplace.Adapters.Tests.Mongo;

/// <summary>
/// Start-up against a server that answers like a standalone mongod or a replica set primary (<see cref="FakeMongod"/>): the
/// real driver connects, and InitializeAsync asks <c>hello</c> before it creates anything.
/// </summary>
public sealed class MongoStartupTests
{
    /// <summary>A standalone mongod answered ping (health was green) and let start-up create its collections; then every
    /// commit failed, since transactions need a replica set.</summary>
    [Fact]
    public async Task AStandaloneServer_IsRefusedAtStartUp_NamingTheSetting_BeforeAnythingIsCreated()
    {
        await using var server = new FakeMongod(FakeMongod.HelloReply(new BsonDocument()));
        using var store = Store(server);

        Assert.True(await store.IsHealthyAsync());
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync());

        Assert.Contains("Marketplace:Mongo:ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains("hello", server.Commands);
        Assert.DoesNotContain("listCollections", server.Commands);
    }

    [Fact]
    public async Task AReplicaSetPrimary_PassesTheCheck_AndStartUpGoesOnToCreateTheCollections()
    {
        await using var primary = new FakeMongod(ReplicaSetPrimary);
        using var store = Store(primary);

        // The stand-in knows no listCollections: start-up got past the check and failed on the next step.
        var error = await Assert.ThrowsAsync<MongoCommandException>(() => store.InitializeAsync());

        Assert.Equal("CommandNotFound", error.CodeName);
        Assert.Contains("listCollections", primary.Commands);
    }

    private static MongoMarketplaceStore Store(FakeMongod server) => new(new MongoStoreOptions
    {
        ConnectionString = server.ConnectionString, Database = "marketplace", ServerSelectionTimeout = TimeSpan.FromSeconds(3),
    });

    /// <summary>
    /// Every commit with events increments one counter document, so two of one instance's transactions in flight at once
    /// conflict on the server and retry. The store sends them one at a time; commits without events are not held up.
    /// </summary>
    [Fact]
    public async Task CommitsWithEvents_ReachTheServerOneTransactionAtATime_OthersAtOnce()
    {
        await using var withEvents = new FakeMongod(ReplicaSetPrimary, holdTransactions: TimeSpan.FromMilliseconds(150));
        await using var withoutEvents = new FakeMongod(ReplicaSetPrimary, holdTransactions: TimeSpan.FromMilliseconds(500));
        using var a = Store(withEvents);
        using var b = Store(withoutEvents);

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => FailingCommitAsync(a, Samples.WithEvent()))));
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => FailingCommitAsync(b, new Marketplace.Core.Persistence.StoreChanges().Insert(MongoSamples.Provider())))));

        Assert.Equal(6, withEvents.Commands.Count(c => c == "findAndModify" || c == "insert"));
        Assert.Equal(1, withEvents.MostTransactionsAtOnce);
        Assert.True(withoutEvents.MostTransactionsAtOnce > 1, $"commits without events reached the server {withoutEvents.MostTransactionsAtOnce} at a time");
    }

    private static BsonDocument ReplicaSetPrimary => FakeMongod.HelloReply(new BsonDocument { { "setName", "rs0" }, { "setVersion", 1 } });

    /// <summary>The stand-in refuses the transaction's first command (CommandNotFound, not transient): the commit fails once.</summary>
    private static async Task FailingCommitAsync(MongoMarketplaceStore store, Marketplace.Core.Persistence.StoreChanges changes) =>
        await Assert.ThrowsAsync<MongoCommandException>(() => store.CommitAsync(changes));

    private static class Samples
    {
        public static Marketplace.Core.Persistence.StoreChanges WithEvent() => new Marketplace.Core.Persistence.StoreChanges().Publish(
            Marketplace.Core.Persistence.OutboxMessage.Create(Marketplace.Core.Persistence.EventTypes.OfferingChanged, MongoSamples.Now, ["public"],
                new Marketplace.Core.Catalog.OfferingChangedData(Guid.NewGuid(), Guid.NewGuid(), "Published", 1)));
    }
}
