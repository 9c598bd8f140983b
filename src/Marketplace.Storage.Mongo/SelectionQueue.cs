using Marketplace.Core.Families.Selection;
using Marketplace.Core.Persistence;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Marketplace.Storage.Mongo;

/// <summary>
/// The first-come waiting queue (issue 18), as SQLite's selection_queue (migration 15): for each live application one document per
/// programme it ranked and does not hold — window, programme, grade and its place in first-come order (<c>queueKey</c>: the stored
/// submittedAt, "|", the pupil id; both compare as strings in time and Guid order, and every stored instant ends in "+00:00", so the
/// pair compares as (submittedAt, pupil id)). Written in the application's own transaction (<see cref="MongoCommit"/>): its rows are
/// deleted and written again with every write of the application. A waiting place is then one count over ix_window_programme_key whose
/// bounds hold the whole condition, answered from the index without reading an application.
/// </summary>
internal static class SelectionQueue
{
    public const string Collection = "selection_queue";
    public const string MetaId = "selection-queue";

    public static string KeyOf(DateTimeOffset submittedAt, Guid pupilId) => $"{StoreJson.FormatTime(submittedAt)}|{StoredDocuments.Key(pupilId)}";

    /// <summary>The application's rows: none once rejected or withdrawn.</summary>
    public static List<BsonDocument> Rows(SelectionApplication a) => !a.IsLive ? [] :
    [
        .. a.Choices.Distinct().Where(c => a.Placements.All(p => p.ProgrammeId != c)).Select(c => new BsonDocument
        {
            { "_id", $"{StoredDocuments.Key(a.Id)}:{StoredDocuments.Key(c)}" }, { "applicationId", StoredDocuments.Key(a.Id) },
            { "windowId", StoredDocuments.Key(a.WindowId) }, { "programmeId", StoredDocuments.Key(c) }, { "grade", a.Grade },
            { "queueKey", KeyOf(a.SubmittedAt, a.PupilId) },
        }),
    ];

    public static BsonDocument OfApplication(Guid applicationId) => new("applicationId", StoredDocuments.Key(applicationId));

    /// <summary>Those ahead of (submittedAt, pupil id) waiting for the programme, of the admitted grades (none given: every grade).</summary>
    public static BsonDocument Ahead(Guid windowId, Guid programmeId, DateTimeOffset submittedAt, Guid pupilId, IReadOnlyCollection<int>? grades)
    {
        var filter = new BsonDocument { { "windowId", StoredDocuments.Key(windowId) }, { "programmeId", StoredDocuments.Key(programmeId) } };
        if (grades is { Count: > 0 }) filter.Add("grade", new BsonDocument("$in", new BsonArray(grades.Distinct().Order())));
        filter.Add("queueKey", new BsonDocument("$lt", KeyOf(submittedAt, pupilId)));
        return filter;
    }

    public static readonly BsonDocument IndexKeys = new() { { "windowId", 1 }, { "programmeId", 1 }, { "grade", 1 }, { "queueKey", 1 } };

    /// <summary>In the application's transaction: its old rows out (not on a first insert), its current rows in.</summary>
    public static async Task WriteAsync(IMongoDatabase database, IClientSessionHandle session, SelectionApplication application, WriteKind kind, CancellationToken ct)
    {
        var queue = database.GetCollection<BsonDocument>(Collection);
        if (kind != WriteKind.Insert) await queue.DeleteManyAsync(session, OfApplication(application.Id), cancellationToken: ct);
        var rows = kind == WriteKind.Delete ? [] : Rows(application);
        if (rows.Count > 0) await queue.InsertManyAsync(session, rows, cancellationToken: ct);
    }

    /// <summary>
    /// The rows of applications stored before the queue existed, built once by the server ($merge keeps rows already written by commits);
    /// the meta document <see cref="MetaId"/> records that it ran.
    /// </summary>
    public static BsonDocument[] Backfill { get; } =
    [
        new("$match", new BsonDocument("status", new BsonDocument("$nin", new BsonArray { nameof(ApplicationStatus.Rejected), nameof(ApplicationStatus.Withdrawn) }))),
        new("$unwind", "$choices"),
        new("$match", new BsonDocument("$expr", new BsonDocument("$not", new BsonArray
            { new BsonDocument("$in", new BsonArray { "$choices", new BsonDocument("$ifNull", new BsonArray { "$placements.programmeId", new BsonArray() }) }) }))),
        new("$project", new BsonDocument
        {
            { "_id", new BsonDocument("$concat", new BsonArray { "$_id", ":", "$choices" }) }, { "applicationId", "$_id" }, { "windowId", 1 },
            { "programmeId", "$choices" }, { "grade", 1 }, { "queueKey", new BsonDocument("$concat", new BsonArray { "$submittedAt", "|", "$pupilId" }) },
        }),
        new("$merge", new BsonDocument { { "into", Collection }, { "on", "_id" }, { "whenMatched", "keepExisting" }, { "whenNotMatched", "insert" } }),
    ];

    public static async Task BackfillOnceAsync(IMongoDatabase database, CancellationToken ct)
    {
        var meta = database.GetCollection<BsonDocument>(MongoSchema.Meta);
        if (await meta.Find(new BsonDocument("_id", MetaId)).AnyAsync(ct)) return;
        await database.GetCollection<BsonDocument>(DocumentKinds.Of<SelectionApplication>())
            .Aggregate<BsonDocument>(Backfill, cancellationToken: ct).ToListAsync(ct);
        await meta.UpdateOneAsync(new BsonDocument("_id", MetaId), new BsonDocument("$setOnInsert", new BsonDocument("builtAt", DateTime.UtcNow)),
            new UpdateOptions { IsUpsert = true }, ct);
    }
}
