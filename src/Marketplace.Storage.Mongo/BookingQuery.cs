using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using MongoDB.Bson;

namespace Marketplace.Storage.Mongo;

internal static class BookingQuery
{
    /// <summary>Ids are version-7 GUIDs, so descending id is newest first (the same order the SQLite store uses).</summary>
    public static readonly BsonDocument NewestFirst = new("_id", -1);

    /// <summary>The pipeline of <c>SumCommittedFenAsync</c>: the school's bookings by session start (ix_bookings_school_start),
    /// summed by status as <c>PlanAdvisor.CommittedFen</c> does.</summary>
    public static BsonDocument[] CommittedFen(Guid schoolId, DateTimeOffset startsFrom, DateTimeOffset startsBefore) =>
    [
        new("$match", Filter(new BookingFilter(SchoolId: schoolId) { StartsFrom = startsFrom, StartsBefore = startsBefore })),
        new("$group", new BsonDocument
        {
            { "_id", BsonNull.Value },
            { "fen", new BsonDocument("$sum", new BsonDocument("$switch", new BsonDocument
            {
                { "branches", new BsonArray
                {
                    new BsonDocument { { "case", new BsonDocument("$in", new BsonArray { "$status", new BsonArray { "Requested", "Confirmed" } }) }, { "then", "$quote.totalFen" } },
                    new BsonDocument
                    {
                        { "case", new BsonDocument("$eq", new BsonArray { "$status", "Completed" }) },
                        { "then", new BsonDocument("$ifNull", new BsonArray { new BsonDocument("$multiply", new BsonArray { "$quote.unitPriceFen", "$attended" }), "$quote.totalFen" }) },
                    },
                } },
                { "default", 0 },
            })) },
        }),
    ];

    public static BsonDocument Filter(BookingFilter f)
    {
        var filter = new BsonDocument();
        if (f.SchoolId is { } school) filter.Add("schoolId", StoredDocuments.Key(school));
        if (f.ProviderId is { } provider) filter.Add("providerId", StoredDocuments.Key(provider));
        if (f.OfferingId is { } offering) filter.Add("offeringId", StoredDocuments.Key(offering));
        if (f.SessionId is { } session) filter.Add("sessionId", StoredDocuments.Key(session));
        if (f.Districts is { } districts) filter.Add("districtCode", new BsonDocument("$in", new BsonArray(districts)));
        if (f.Status is { } status) filter.Add("status", status.ToString());
        if (f.ExpiresBefore is { } before) filter.Add("expiresAt", new BsonDocument("$lt", StoreJson.FormatTime(before)));
        if (f.StartsFrom is not null || f.StartsBefore is not null)
        {
            var starts = new BsonDocument();
            if (f.StartsFrom is { } from) starts.Add("$gte", StoreJson.FormatTime(from));
            if (f.StartsBefore is { } until) starts.Add("$lt", StoreJson.FormatTime(until));
            filter.Add("sessionStartsAt", starts);
        }
        if (f.Before is { } newer) filter.Add("_id", new BsonDocument("$lt", StoredDocuments.Key(newer)));
        return filter;
    }
}
