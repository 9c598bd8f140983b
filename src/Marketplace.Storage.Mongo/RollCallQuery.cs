using MongoDB.Bson;

namespace Marketplace.Storage.Mongo;

/// <summary>The roll call filters and the participation pipeline (issue 18); rendered by the request-shape tests.</summary>
internal static class RollCallQuery
{
    public static readonly BsonDocument LatestSessionFirst = new() { { "sessionStartsAt", -1 }, { "_id", 1 } };

    /// <summary>The rolls marking a pupil (roll_calls.ix_marks_pupil, multikey).</summary>
    public static BsonDocument OfPupil(Guid pupilId) => new("marks.pupilId", StoredDocuments.Key(pupilId));

    /// <summary>Distinct present pupils per school of the districts' rolls of sessions in [from, before) (roll_calls.ix_district_startsAt).</summary>
    public static BsonDocument[] PresentPupils(IReadOnlyCollection<string> districts, DateTimeOffset from, DateTimeOffset before) =>
    [
        new("$match", new BsonDocument
        {
            { "districtCode", new BsonDocument("$in", new BsonArray(districts)) },
            { "sessionStartsAt", new BsonDocument { { "$gte", StoreJsonTime(from) }, { "$lt", StoreJsonTime(before) } } },
        }),
        new("$unwind", "$presentPupilIds"),
        new("$group", new BsonDocument("_id", new BsonDocument { { "school", "$schoolId" }, { "district", "$districtCode" }, { "pupil", "$presentPupilIds" } })),
        new("$group", new BsonDocument
        {
            { "_id", new BsonDocument { { "school", "$_id.school" }, { "district", "$_id.district" } } },
            { "pupils", new BsonDocument("$sum", 1) },
        }),
    ];

    private static string StoreJsonTime(DateTimeOffset at) => Marketplace.Core.Persistence.StoreJson.FormatTime(at);
}
