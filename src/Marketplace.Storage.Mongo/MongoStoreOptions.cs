namespace Marketplace.Storage.Mongo;

/// <summary>Bound from the configuration section <c>Marketplace:Mongo</c>.</summary>
public sealed class MongoStoreOptions
{
    public const string Section = "Marketplace:Mongo";

    /// <summary>A replica-set connection string (transactions need one), e.g. mongodb://mongo:27017/?replicaSet=rs0.</summary>
    public string ConnectionString { get; set; } = "";

    public string Database { get; set; } = "";

    /// <summary>How long an operation waits for a usable server (the driver default is 30 s); overrides serverSelectionTimeoutMS in the connection string.</summary>
    public TimeSpan ServerSelectionTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an idempotency record is kept before the server's TTL index deletes it (Marketplace:Retention:Idempotency).</summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromDays(7);
}
