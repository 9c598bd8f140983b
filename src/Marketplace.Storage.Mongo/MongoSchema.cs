using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Marketplace.Storage.Mongo;

/// <summary>Collections and indexes; idempotent, run on every start. Transactions cannot create indexes, so this runs first.</summary>
internal static class MongoSchema
{
    public const string Districts = "districts";
    public const string Outbox = "outbox";
    public const string Idempotency = "idempotency";
    public const string Counters = "counters";
    public const string Checkpoints = "checkpoints";
    public const string Leases = "leases";
    public const string OutboxCounter = "outbox";

    /// <summary>Unique index name → the field a <see cref="DuplicateException"/> names.</summary>
    public static readonly IReadOnlyDictionary<string, string> UniqueFields = new Dictionary<string, string>
    {
        ["ux_username"] = "username",
        ["ux_creditCode"] = "creditCode",
        ["ux_school_semester"] = "semester",
        ["ux_cursor"] = "cursor",
        ["ux_eventId"] = "eventId",
    };

    private static readonly (string Collection, string Name, BsonDocument Keys, bool Unique)[] Indexes =
    [
        ("users", "ux_username", new BsonDocument("username", 1), true),
        ("providers", "ux_creditCode", new BsonDocument("creditCode", 1), true),
        ("school_plans", "ux_school_semester", new BsonDocument { { "schoolId", 1 }, { "semester", 1 } }, true),
        (Outbox, "ux_cursor", new BsonDocument("cursor", 1), true),
        (Outbox, "ux_eventId", new BsonDocument("id", 1), true),
        (Outbox, "ix_audiences_cursor", new BsonDocument { { "audiences", 1 }, { "cursor", 1 } }, false),
        ("offerings", "ix_provider_status", new BsonDocument { { "providerId", 1 }, { "status", 1 } }, false),
        ("sessions", "ix_offering_startsAt", new BsonDocument { { "offeringId", 1 }, { "startsAt", 1 } }, false),
        ("bookings", "ix_school", new BsonDocument { { "schoolId", 1 }, { "_id", -1 } }, false),
        ("bookings", "ix_provider", new BsonDocument { { "providerId", 1 }, { "_id", -1 } }, false),
        ("bookings", "ix_session", new BsonDocument("sessionId", 1), false),
        ("bookings", "ix_status_expiresAt", new BsonDocument { { "status", 1 }, { "expiresAt", 1 } }, false),
        // The bureau's lists: its districts' bookings newest first (with or without a status), offerings and providers by status.
        ("bookings", "ix_district_status", new BsonDocument { { "districtCode", 1 }, { "status", 1 }, { "_id", -1 } }, false),
        ("bookings", "ix_district", new BsonDocument { { "districtCode", 1 }, { "_id", -1 } }, false),
        ("offerings", "ix_status", new BsonDocument { { "status", 1 }, { "_id", 1 } }, false),
        ("providers", "ix_status", new BsonDocument { { "status", 1 }, { "_id", 1 } }, false),
        ("providers", "ix_districts_status", new BsonDocument { { "districts", 1 }, { "status", 1 }, { "_id", 1 } }, false),
    ];

    /// <summary>The server's TTL monitor (every 60 s) deletes an idempotency record once its <c>expiresAt</c> has passed.</summary>
    public static CreateIndexModel<BsonDocument> IdempotencyExpiry { get; } = new(
        new BsonDocument(IdempotencyDocuments.ExpiresAt, 1), new CreateIndexOptions { Name = "ttl_expiresAt", ExpireAfter = TimeSpan.Zero });

    public static IEnumerable<(string Collection, string Name, BsonDocument Keys, bool Unique)> IndexSpecs => Indexes;

    private static IEnumerable<string> Collections =>
        DocumentKinds.All.Select(k => k.Name).Concat([Districts, Outbox, Idempotency, Counters, Checkpoints, Leases]);

    public static async Task ApplyAsync(IMongoDatabase database, CancellationToken ct)
    {
        var existing = await (await database.ListCollectionNamesAsync(cancellationToken: ct)).ToListAsync(ct);
        foreach (var name in Collections.Except(existing))
        {
            try
            {
                await database.CreateCollectionAsync(name, cancellationToken: ct);
            }
            catch (MongoCommandException e) when (e.CodeName == "NamespaceExists")
            {
                // another instance created it first
            }
        }

        foreach (var group in Indexes.GroupBy(i => i.Collection))
        {
            var models = group.Select(i => new CreateIndexModel<BsonDocument>(i.Keys, new CreateIndexOptions { Name = i.Name, Unique = i.Unique }));
            await database.GetCollection<BsonDocument>(group.Key).Indexes.CreateManyAsync(models, ct);
        }
        await database.GetCollection<BsonDocument>(Idempotency).Indexes.CreateOneAsync(IdempotencyExpiry, cancellationToken: ct);

        // Checkpoints written before they recorded their moves count as moved now (retention).
        await database.GetCollection<BsonDocument>(Checkpoints).UpdateManyAsync(
            new BsonDocument("updatedAt", new BsonDocument("$exists", false)), new BsonDocument("$currentDate", new BsonDocument("updatedAt", true)),
            cancellationToken: ct);

        // Created up front so commits only ever $inc an existing document.
        await database.GetCollection<BsonDocument>(Counters).UpdateOneAsync(
            new BsonDocument("_id", OutboxCounter),
            new BsonDocument("$setOnInsert", new BsonDocument("seq", 0L)),
            new UpdateOptions { IsUpsert = true }, ct);
    }
}
