using Marketplace.Adapters.Tests.Store;

namespace Marketplace.Adapters.Tests.Mongo;

public sealed class MongoStoreContractTests : StoreContract
{
    protected override async Task<IStoreUnderTest> CreateAsync()
    {
        Skip.If(string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(MongoFactAttribute.Variable)),
            $"{MongoFactAttribute.Variable} not set (start infra/docker-compose.yml to run)");
        return await MongoTestDatabase.CreateAsync();
    }

    protected override string? IdempotencyExpiredByTheServer =>
        "MongoDB deletes idempotency records with its TTL index (MongoLeaseAndRetentionShapeTests.Idempotency_*); the TTL monitor runs once a minute";
}
