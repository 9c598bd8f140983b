using Marketplace.Storage.Mongo;
using MongoDB.Driver;

namespace Marketplace.Adapters.Tests.Mongo;

/// <summary>A fresh, randomly named database on the server in MARKETPLACE_TEST_MONGODB_URI, dropped afterwards.</summary>
internal sealed class MongoTestDatabase : Store.IStoreUnderTest
{
    private readonly MongoClient _client;
    private readonly string _name = "marketplace_test_" + Guid.NewGuid().ToString("N");

    private MongoTestDatabase(string uri)
    {
        _client = new MongoClient(uri);
        MongoStore = new MongoMarketplaceStore(new MongoStoreOptions { ConnectionString = uri, Database = _name });
    }

    public MongoMarketplaceStore MongoStore { get; }

    public Marketplace.Core.Persistence.IMarketplaceStore Store => MongoStore;

    public static async Task<MongoTestDatabase> CreateAsync()
    {
        var uri = Environment.GetEnvironmentVariable(MongoFactAttribute.Variable)
            ?? throw new InvalidOperationException($"{MongoFactAttribute.Variable} is not set.");
        var database = new MongoTestDatabase(uri);
        await database.MongoStore.InitializeAsync();
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DropDatabaseAsync(_name);
        MongoStore.Dispose();
        _client.Dispose();
    }
}
