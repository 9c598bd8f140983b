using Marketplace.Core.Families.Selection;
using Marketplace.Core.Persistence;
using MongoDB.Bson;

namespace Marketplace.Storage.Mongo;

/// <summary>The families' filters and the bureau's count pipeline (issue 18); rendered by the request-shape tests.</summary>
internal static class FamilyQuery
{
    /// <summary>A school's pupils (pupils.ix_school_class), a guardian's (pupils.ix_guardians, multikey), or by last roster (ix_rosteredAt).</summary>
    public static BsonDocument Pupils(PupilFilter f)
    {
        var filter = new BsonDocument();
        if (f.SchoolId is { } school) filter.Add("schoolId", StoredDocuments.Key(school));
        if (f.Grade is { } grade) filter.Add("grade", grade);
        if (f.ClassName is { } className) filter.Add("className", className);
        if (f.GuardianId is { } guardian) filter.Add("guardianIds", StoredDocuments.Key(guardian));
        if (f.RosteredBefore is { } before) filter.Add("rosteredAt", new BsonDocument("$lt", StoreJson.FormatTime(before)));
        if (f.After is { } after) filter.Add("_id", new BsonDocument("$gt", StoredDocuments.Key(after)));
        return filter;
    }

    /// <summary>Pupils per school of the districts (pupils.ix_district_school): all, and those whose consent is in force (a string version).</summary>
    public static BsonDocument[] Counts(IReadOnlyCollection<string> districts) =>
    [
        new("$match", new BsonDocument("districtCode", new BsonDocument("$in", new BsonArray(districts)))),
        new("$group", new BsonDocument
        {
            { "_id", new BsonDocument { { "school", "$schoolId" }, { "district", "$districtCode" } } },
            { "pupils", new BsonDocument("$sum", 1) },
            { "consented", new BsonDocument("$sum", new BsonDocument("$cond", new BsonArray
                { new BsonDocument("$eq", new BsonArray { new BsonDocument("$type", "$consentVersion"), "string" }), 1, 0 })) },
        }),
    ];

    public static readonly BsonDocument NewestFirst = new("_id", -1);

    /// <summary>The schools' selection windows, newest first (selection_windows.ix_school).</summary>
    public static BsonDocument SelectionWindows(IReadOnlyCollection<Guid> schoolIds) =>
        new("schoolId", new BsonDocument("$in", new BsonArray(schoolIds.Distinct().Select(StoredDocuments.Key))));

    /// <summary>A window's applications by class (selection_applications.ix_window_class), or a pupil's in every window (ix_pupil).</summary>
    public static BsonDocument SelectionApplications(SelectionApplicationFilter f)
    {
        var filter = new BsonDocument();
        if (f.WindowId is { } window) filter.Add("windowId", StoredDocuments.Key(window));
        if (f.Grade is { } grade) filter.Add("grade", grade);
        if (f.ClassName is { } className) filter.Add("className", className);
        if (f.PupilId is { } pupil) filter.Add("pupilId", StoredDocuments.Key(pupil));
        if (f.After is { } after) filter.Add("_id", new BsonDocument("$gt", StoredDocuments.Key(after)));
        return filter;
    }

    /// <summary>A school's bills by class (family_bills.ix_school_class), optionally of one window and only those owing; or a pupil's (ix_pupil).</summary>
    public static BsonDocument FamilyBills(FamilyBillFilter f)
    {
        var filter = new BsonDocument();
        if (f.SchoolId is { } school) filter.Add("schoolId", StoredDocuments.Key(school));
        if (f.ClassName is { } className) filter.Add("className", className);
        if (f.PupilId is { } pupil) filter.Add("pupilId", StoredDocuments.Key(pupil));
        if (f.WindowId is { } window) filter.Add("windowIds", StoredDocuments.Key(window));
        if (f.UnpaidOnly) filter.Add("balanceFen", new BsonDocument("$gt", 0));
        if (f.After is { } after) filter.Add("_id", new BsonDocument("$gt", StoredDocuments.Key(after)));
        return filter;
    }
}
