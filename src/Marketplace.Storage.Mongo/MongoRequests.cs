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

    public static FilterDefinition<BsonDocument> VersionedFilter(Guid id, long expectedVersion) => new BsonDocument
    {
        { "_id", StoredDocuments.Key(id) },
        { "version", expectedVersion },
    };

    public static FilterDefinition<BsonDocument> EventsFilter(long afterCursor, IReadOnlyCollection<string>? audiences)
    {
        var filter = new BsonDocument("cursor", new BsonDocument("$gt", afterCursor));
        if (audiences is not null)
            filter.Add("audiences", new BsonDocument("$in", new BsonArray(audiences)));
        return filter;
    }
}
