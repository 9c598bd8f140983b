using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Marketplace.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Marketplace.Adapters.Tests.Store;

public sealed class SqliteStoreContractTests : StoreContract
{
    protected override async Task<IStoreUnderTest> CreateAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-store-tests", Guid.NewGuid().ToString("N"));
        var store = new SqliteMarketplaceStore(Options.Create(new SqliteStoreOptions { DatabasePath = Path.Combine(folder, "test.db") }), []);
        await store.InitializeAsync();
        return new TempSqlite(store, folder);
    }

    private sealed class TempSqlite(IMarketplaceStore store, string folder) : IStoreUnderTest
    {
        public IMarketplaceStore Store { get; } = store;

        public ValueTask DisposeAsync()
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
            return ValueTask.CompletedTask;
        }
    }
}
