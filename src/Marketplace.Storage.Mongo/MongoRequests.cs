using Marketplace.Core.Catalog;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Marketplace.Storage.Mongo;

/// <summary>The conditional filters and updates that carry the store's guarantees; rendered by the request-shape tests.</summary>
internal static class MongoRequests
{
    /// <summary>Matches only a scheduled session with room for <paramref name="seats"/> more: the capacity check and
    /// the increment are one atomic document update, so concurrent bookings can never oversell.</summary>
    public static FilterDefinition<BsonDocument> ReserveSeatsFilter(Guid sessionId, int seats) => new BsonDocument
    {
        { "_id", StoredDocuments.Key(sessionId) },
        { "status", nameof(SessionStatus.Scheduled) },
        { "$expr", new BsonDocument("$lte", new BsonArray { new BsonDocument("$add", new BsonArray { "$reserved", seats }), "$capacity" }) },
    };

    /// <summary>A release never takes the counter below zero.</summary>
    public static FilterDefinition<BsonDocument> ReleaseSeatsFilter(Guid sessionId, int seats) => new BsonDocument
    {
        { "_id", StoredDocuments.Key(sessionId) },
        { "reserved", new BsonDocument("$gte", seats) },
    };

    /// <summary>Seat changes bump the version too, so a stale copy of the session cannot overwrite the counter.</summary>
    public static UpdateDefinition<BsonDocument> ChangeSeatsUpdate(int delta) =>
        new BsonDocument("$inc", new BsonDocument { { "reserved", delta }, { "version", 1 } });

    /// <summary>The selection window's first-come guard (issue 18): matches only while taken + n ≤ capacity.</summary>
    public static FilterDefinition<BsonDocument> TakeSelectionSeatsFilter(Guid seatsId, int n) => new BsonDocument
    {
        { "_id", StoredDocuments.Key(seatsId) },
        { "$expr", new BsonDocument("$lte", new BsonArray { new BsonDocument("$add", new BsonArray { "$taken", n }), "$capacity" }) },
    };

    public static FilterDefinition<BsonDocument> ReturnSelectionSeatsFilter(Guid seatsId, int n) => new BsonDocument
    {
        { "_id", StoredDocuments.Key(seatsId) },
        { "taken", new BsonDocument("$gte", n) },
    };

    public static UpdateDefinition<BsonDocument> ChangeSelectionSeatsUpdate(int delta) =>
        new BsonDocument("$inc", new BsonDocument { { "taken", delta }, { "version", 1 } });

    public static FilterDefinition<BsonDocument> VersionedFilter(Guid id, long expectedVersion) => new BsonDocument
    {
        { "_id", StoredDocuments.Key(id) },
        { "version", expectedVersion },
    };

    /// <summary>The store epoch's document in <see cref="MongoSchema.Meta"/>.</summary>
    public static FilterDefinition<BsonDocument> EpochFilter => new BsonDocument("_id", "epoch");

    /// <summary>Upserted at every start: sets the epoch only when the document is created (a new store).</summary>
    public static UpdateDefinition<BsonDocument> EpochOnCreate(string epoch) => new BsonDocument("$setOnInsert", new BsonDocument("value", epoch));

    /// <summary>After a restore: a new epoch, and when it was marked.</summary>
    public static UpdateDefinition<BsonDocument> EpochRestored(string epoch) => new BsonDocument
    {
        { "$set", new BsonDocument("value", epoch) },
        { "$currentDate", new BsonDocument("restoredAt", true) },
    };

    public static FilterDefinition<BsonDocument> EventsFilter(long afterCursor, IReadOnlyCollection<string>? audiences)
    {
        var filter = new BsonDocument("cursor", new BsonDocument("$gt", afterCursor));
        if (audiences is not null)
            filter.Add("audiences", new BsonDocument("$in", new BsonArray(audiences)));
        return filter;
    }

    /// <summary>Providers stored before the per-district white list (issue 12): no <c>approvals</c> field.</summary>
    public static FilterDefinition<BsonDocument> ProvidersWithoutApprovals => new BsonDocument("approvals", new BsonDocument("$exists", false));

    /// <summary>An update pipeline: one entry per district applied to, in the provider's old status and with its old decisions,
    /// and the first district as home — what <see cref="Provider"/> builds on load from such a document.</summary>
    public static UpdateDefinition<BsonDocument> ApprovalsFromDistricts => new PipelineUpdateDefinition<BsonDocument>(new BsonDocument[]
    {
        new("$set", new BsonDocument
        {
            { "approvals", new BsonDocument("$map", new BsonDocument
                {
                    { "input", "$districts" }, { "as", "d" },
                    { "in", new BsonDocument { { "district", "$$d" }, { "status", "$status" }, { "decisions", "$decisions" } } },
                }) },
            { "homeDistrict", new BsonDocument("$arrayElemAt", new BsonArray { "$districts", 0 }) },
        }),
    });

    /// <summary>The one counter document every commit with events increments inside its transaction (cursor order = commit order).</summary>
    public static FilterDefinition<BsonDocument> OutboxCounterFilter => new BsonDocument("_id", MongoSchema.OutboxCounter);

    public static UpdateDefinition<BsonDocument> OutboxCounterUpdate(int events) => new BsonDocument("$inc", new BsonDocument("seq", (long)events));

    /// <summary>A checkpoint move records when (server clock): retention lets only checkpoints that moved lately hold events back.</summary>
    public static UpdateDefinition<BsonDocument> MoveCheckpointUpdate(long cursor) => new BsonDocument
    {
        { "$set", new BsonDocument("cursor", cursor) },
        { "$currentDate", new BsonDocument("updatedAt", true) },
    };

    /// <summary>Matches the lease while it is free to take: held by <paramref name="holder"/> already, or run out. With upsert,
    /// a missing lease is inserted; a lease someone else holds matches nothing, and the insert then fails on the unique _id.</summary>
    public static FilterDefinition<BsonDocument> LeaseFilter(string name, string holder, DateTimeOffset now) => new BsonDocument
    {
        { "_id", name },
        { "$or", new BsonArray { new BsonDocument("holder", holder), new BsonDocument("expiresAt", new BsonDocument("$lte", now.UtcDateTime)) } },
    };

    public static UpdateDefinition<BsonDocument> LeaseUpdate(string holder, DateTimeOffset until) =>
        new BsonDocument("$set", new BsonDocument { { "holder", holder }, { "expiresAt", until.UtcDateTime } });

    public static FilterDefinition<BsonDocument> LeaseHeldBy(string name, string holder) =>
        new BsonDocument { { "_id", name }, { "holder", holder } };

    public static FilterDefinition<BsonDocument> CheckpointsMovedSince(DateTimeOffset since) =>
        new BsonDocument("updatedAt", new BsonDocument("$gte", since.UtcDateTime));

    /// <summary>Events retention may delete: at or below <paramref name="bound"/> (every active checkpoint, below the newest
    /// event) and older than the cutoff. Times are stored as UTC ISO strings, which order as the instants do.</summary>
    public static FilterDefinition<BsonDocument> PrunableEvents(long bound, DateTimeOffset before) => new BsonDocument
    {
        { "cursor", new BsonDocument("$lte", bound) },
        { "at", new BsonDocument("$lt", Marketplace.Core.Persistence.StoreJson.FormatTime(before)) },
    };
}
