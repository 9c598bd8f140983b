using Marketplace.Core.Families.RollCall;
using Marketplace.Core.Families.Selection;
using Marketplace.Core.Persistence;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Marketplace.Storage.Mongo;

/// <summary>
/// Which pupils of a selection window already have an after-school activity in its semester (the lottery's <c>no-activity</c> flag), for
/// all of them at once: the school's other windows of the semester (selection_windows.ix_school), the pupils' placed live applications in
/// them (selection_applications.ix_pupil) and their rolls of the semester marking them present (roll_calls.ix_marks_pupil) — pupil ids
/// only are sent back.
/// </summary>
internal sealed partial class MongoMarketplaceStore
{
    public async Task<IReadOnlyCollection<Guid>> FindPupilsWithActivityAsync(PupilActivityFilter filter, CancellationToken ct = default)
    {
        if (filter.PupilIds.Count == 0) return [];
        var active = new HashSet<Guid>();
        var windows = await Collection<SelectionWindow>().Find(ActivityQuery.OtherWindows(filter)).Project(ActivityQuery.IdOnly).ToListAsync(ct);
        if (windows.Count > 0)
        {
            var placed = await Collection<SelectionApplication>().Find(ActivityQuery.PlacedApplications(filter, windows.Select(w => w["_id"].AsString)))
                .Project(ActivityQuery.PupilOnly).ToListAsync(ct);
            active.UnionWith(placed.Select(a => Guid.Parse(a["pupilId"].AsString)));
        }
        var asked = filter.PupilIds.Select(StoredDocuments.Key).ToHashSet();
        var rolls = await Collection<Roll>().Find(ActivityQuery.PresentRolls(filter)).Project(ActivityQuery.PresentOnly).ToListAsync(ct);
        active.UnionWith(rolls.SelectMany(r => r["presentPupilIds"].AsBsonArray.Select(p => p.AsString)).Where(asked.Contains).Select(Guid.Parse));
        return active;
    }
}

/// <summary>The filters of <see cref="MongoMarketplaceStore.FindPupilsWithActivityAsync"/>; rendered by the request-shape tests.</summary>
internal static class ActivityQuery
{
    public static readonly BsonDocument IdOnly = new("_id", 1);
    public static readonly BsonDocument PupilOnly = new() { { "_id", 0 }, { "pupilId", 1 } };
    public static readonly BsonDocument PresentOnly = new() { { "_id", 0 }, { "presentPupilIds", 1 } };

    /// <summary>The school's windows of the semester but this one (selection_windows.ix_school).</summary>
    public static BsonDocument OtherWindows(PupilActivityFilter f) => new()
    {
        { "schoolId", StoredDocuments.Key(f.SchoolId) }, { "semester", f.Semester }, { "_id", new BsonDocument("$ne", StoredDocuments.Key(f.ExceptWindowId)) },
    };

    /// <summary>The pupils' live applications holding a placement in those windows (selection_applications.ix_pupil).</summary>
    public static BsonDocument PlacedApplications(PupilActivityFilter f, IEnumerable<string> windowIds) => new()
    {
        { "pupilId", new BsonDocument("$in", new BsonArray(f.PupilIds.Distinct().Select(StoredDocuments.Key))) },
        { "windowId", new BsonDocument("$in", new BsonArray(windowIds)) },
        { "status", new BsonDocument("$nin", new BsonArray { nameof(ApplicationStatus.Rejected), nameof(ApplicationStatus.Withdrawn) }) },
        { "placements.0", new BsonDocument("$exists", true) },
    };

    /// <summary>The rolls of sessions in [from, before) that mark any of the pupils (roll_calls.ix_marks_pupil) and mark one present.</summary>
    public static BsonDocument PresentRolls(PupilActivityFilter f)
    {
        var pupils = new BsonArray(f.PupilIds.Distinct().Select(StoredDocuments.Key));
        return new BsonDocument
        {
            { "marks.pupilId", new BsonDocument("$in", pupils) },
            { "sessionStartsAt", new BsonDocument { { "$gte", StoreJson.FormatTime(f.From) }, { "$lt", StoreJson.FormatTime(f.Before) } } },
            { "presentPupilIds", new BsonDocument("$in", pupils) },
        };
    }
}
