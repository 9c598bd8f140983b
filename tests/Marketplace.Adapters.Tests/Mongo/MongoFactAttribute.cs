namespace Marketplace.Adapters.Tests.Mongo;

/// <summary>A fact that needs a MongoDB replica set; reported as skipped (with the reason) when none is configured.</summary>
public sealed class MongoFactAttribute : FactAttribute
{
    public const string Variable = "MARKETPLACE_TEST_MONGODB_URI";

    public MongoFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable)))
            Skip = $"{Variable} not set (start infra/docker-compose.yml to run)";
    }
}
