using Marketplace.Core.Bookings;
using Marketplace.Core.Persistence;
using MongoDB.Bson;

namespace Marketplace.Storage.Mongo;

/// <summary>
/// The coverage report's tally (issue 16) as one aggregation: the districts' bookings of the span (bookings.ix_report), grouped on the
/// fields <see cref="BookingTally"/> names, counted and summed by the server. Rendered by the request-shape tests.
/// </summary>
internal static class ReportQuery
{
    private static readonly BsonDocument Attended = new("$ifNull", new BsonArray { "$delivery.attended", BsonNull.Value });

    public static BsonDocument[] Tally(BookingTallyFilter f) =>
    [
        new("$match", new BsonDocument
        {
            { "districtCode", new BsonDocument("$in", new BsonArray(f.Districts)) },
            { "sessionStartsAt", new BsonDocument { { "$gte", StoreJson.FormatTime(f.StartsFrom) }, { "$lt", StoreJson.FormatTime(f.StartsBefore) } } },
        }),
        new("$group", new BsonDocument
        {
            { "_id", new BsonDocument
            {
                { "district", "$districtCode" }, { "school", "$schoolId" }, { "provider", "$providerId" }, { "category", "$snapshot.category" }, { "mode", "$snapshot.mode" },
                { "status", "$status" }, { "delivery", "$delivery.status" }, { "grade", new BsonDocument("$first", "$grades") },
            } },
            { "bookings", new BsonDocument("$sum", 1) },
            { "attended", new BsonDocument("$sum", Attended) },
            { "maxAttended", new BsonDocument("$max", Attended) },
            { "noneAttended", new BsonDocument("$sum", Count(new BsonDocument("$eq", new BsonArray { Attended, 0 }))) },
            { "overdue", new BsonDocument("$sum", Count(new BsonDocument("$and", new BsonArray
            {
                new BsonDocument("$eq", new BsonArray { "$status", nameof(BookingStatus.Confirmed) }),
                new BsonDocument("$lt", new BsonArray { "$sessionStartsAt", StoreJson.FormatTime(f.OverdueBefore) }),
            }))) },
        }),
    ];

    private static BsonDocument Count(BsonDocument condition) => new("$cond", new BsonArray { condition, 1, 0 });
}
