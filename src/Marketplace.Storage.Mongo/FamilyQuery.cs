using Marketplace.Core.Families.Billing;
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

    /// <summary>
    /// A school's bills by class (family_bills.ix_school_class), optionally of one semester, grade, window, balance state; a pupil's (ix_pupil);
    /// a bureau's districts' of a semester (ix_district_semester_school).
    /// </summary>
    public static BsonDocument FamilyBills(FamilyBillFilter f)
    {
        var filter = new BsonDocument();
        if (f.Districts is { } districts) filter.Add("districtCode", new BsonDocument("$in", new BsonArray(districts.Distinct())));
        if (f.Semester is { } semester) filter.Add("semester", semester);
        if (f.SchoolId is { } school) filter.Add("schoolId", StoredDocuments.Key(school));
        if (f.Grade is { } grade) filter.Add("grade", grade);
        if (f.ClassName is { } className) filter.Add("className", className);
        if (f.PupilId is { } pupil) filter.Add("pupilId", StoredDocuments.Key(pupil));
        if (f.WindowId is { } window) filter.Add("windowIds", StoredDocuments.Key(window));
        var balance = new BsonDocument();
        if (f.UnpaidOnly || f.State == BillState.Owed) balance.Add("$gt", 0);
        if (f.State == BillState.PaidUp) balance.Add("$eq", 0);
        if (f.State == BillState.RefundDue) balance.Add("$lt", 0);
        if (balance.ElementCount > 0) filter.Add("balanceFen", balance);
        if (f.After is { } after) filter.Add("_id", new BsonDocument("$gt", StoredDocuments.Key(after)));
        return filter;
    }

    /// <summary>The bills of the filter summed per school in the server ($match on the filter's index, then $group): no bill leaves it.</summary>
    public static BsonDocument[] FamilyBillSums(FamilyBillFilter f)
    {
        static BsonDocument Sum(BsonValue of) => new("$sum", of);
        static BsonDocument Count(string op) => Sum(new BsonDocument("$cond", new BsonArray { new BsonDocument(op, new BsonArray { "$balanceFen", 0 }), 1, 0 }));
        var plain = f with { After = null };
        return
        [
            new("$match", FamilyBills(plain)),
            new("$group", new BsonDocument
            {
                { "_id", new BsonDocument { { "school", "$schoolId" }, { "district", "$districtCode" } } },
                { "bills", Sum(1) }, { "billed", Sum("$billedFen") }, { "waived", Sum("$waivedFen") }, { "credited", Sum("$creditedFen") },
                { "paid", Sum("$paidFen") }, { "refunded", Sum("$refundedFen") },
                { "outstanding", Sum(new BsonDocument("$max", new BsonArray { "$balanceFen", 0 })) },
                { "refundDue", Sum(new BsonDocument("$max", new BsonArray { new BsonDocument("$multiply", new BsonArray { "$balanceFen", -1 }), 0 })) },
                { "owedBills", Count("$gt") }, { "refundDueBills", Count("$lt") },
            }),
        ];
    }
}
