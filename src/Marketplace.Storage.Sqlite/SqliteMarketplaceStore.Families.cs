using Marketplace.Core.Families;
using Marketplace.Core.Families.Billing;
using Marketplace.Core.Families.Selection;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// Families (issue 18): a school's pupils by class (ix_pupils_school), a guardian's children through pupil_guardians (kept by the
/// pupils table's triggers, migration 11), pupils by roster key (ux_pupils_roster) and by last roster (ix_pupils_rostered),
/// guardians by phone (ux_users_phone), and the bureau's counts per school grouped over ix_pupils_district.
/// </summary>
internal sealed partial class SqliteMarketplaceStore
{
    public Task<IReadOnlyList<Pupil>> ListPupilsAsync(PupilFilter filter, CancellationToken ct = default)
    {
        var (sql, parameters) = PupilsQuery(filter);
        return Task.FromResult(QueryDocs<Pupil>(sql, parameters));
    }

    public Task<IReadOnlyList<Pupil>> FindPupilsByRosterKeyAsync(IReadOnlyCollection<string> rosterKeys, CancellationToken ct = default) =>
        rosterKeys.Count == 0 ? Task.FromResult<IReadOnlyList<Pupil>>([])
            : Task.FromResult(QueryDocs<Pupil>("SELECT doc FROM pupils WHERE json_extract(doc, '$.rosterKey') IN (SELECT value FROM json_each($keys))",
                ("$keys", StoreJson.Serialize(rosterKeys.Distinct()))));

    public Task<IReadOnlyList<User>> FindUsersByPhoneAsync(IReadOnlyCollection<string> phones, CancellationToken ct = default) =>
        phones.Count == 0 ? Task.FromResult<IReadOnlyList<User>>([])
            : Task.FromResult(QueryDocs<User>("SELECT doc FROM users WHERE json_extract(doc, '$.phone') IN (SELECT value FROM json_each($phones))",
                ("$phones", StoreJson.Serialize(phones.Distinct()))));

    public Task<IReadOnlyList<PupilCount>> CountPupilsAsync(IReadOnlyCollection<string> districts, CancellationToken ct = default)
    {
        using var connection = Open();
        using var cmd = Command(connection, """
            SELECT json_extract(doc, '$.schoolId'), json_extract(doc, '$.districtCode'), count(*), count(json_extract(doc, '$.consentVersion'))
            FROM pupils WHERE json_extract(doc, '$.districtCode') IN (SELECT value FROM json_each($districts))
            GROUP BY json_extract(doc, '$.districtCode'), json_extract(doc, '$.schoolId')
            """, ("$districts", StoreJson.Serialize(districts)));
        using var reader = cmd.ExecuteReader();
        var counts = new List<PupilCount>();
        while (reader.Read()) counts.Add(new PupilCount(Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3)));
        return Task.FromResult<IReadOnlyList<PupilCount>>(counts);
    }

    public Task<IReadOnlyList<SelectionWindow>> ListSelectionWindowsAsync(IReadOnlyCollection<Guid> schoolIds, int limit, CancellationToken ct = default) =>
        schoolIds.Count == 0 ? Task.FromResult<IReadOnlyList<SelectionWindow>>([])
            : Task.FromResult(QueryDocs<SelectionWindow>(
                "SELECT doc FROM selection_windows WHERE json_extract(doc, '$.schoolId') IN (SELECT value FROM json_each($schools)) ORDER BY id DESC LIMIT $limit",
                ("$schools", StoreJson.Serialize(schoolIds.Distinct().Select(Key))), ("$limit", limit)));

    public Task<IReadOnlyList<SelectionApplication>> ListSelectionApplicationsAsync(SelectionApplicationFilter f, CancellationToken ct = default)
    {
        var page = new Page();
        if (f.WindowId is { } window) page.Where("json_extract(doc, '$.windowId') = $window", ("$window", Key(window)));
        if (f.Grade is { } grade) page.Where("json_extract(doc, '$.grade') = $grade", ("$grade", grade));
        if (f.ClassName is { } className) page.Where("json_extract(doc, '$.className') = $class", ("$class", className));
        if (f.PupilId is { } pupil) page.Where("json_extract(doc, '$.pupilId') = $pupil", ("$pupil", Key(pupil)));
        if (f.After is { } after) page.Where("id > $after", ("$after", Key(after)));
        return Task.FromResult(QueryDocs<SelectionApplication>(page.Sql("selection_applications", "ORDER BY id LIMIT $limit"), page.With(("$limit", f.Limit))));
    }

    public Task<IReadOnlyList<FamilyBill>> ListFamilyBillsAsync(FamilyBillFilter f, CancellationToken ct = default)
    {
        var page = FamilyBillConditions(f);
        if (f.After is { } after) page.Where("id > $after", ("$after", Key(after)));
        return Task.FromResult(QueryDocs<FamilyBill>(page.Sql("family_bills", "ORDER BY id LIMIT $limit"), page.With(("$limit", f.Limit))));
    }

    public Task<IReadOnlyList<FamilyBillTotal>> SumFamilyBillsAsync(FamilyBillFilter f, CancellationToken ct = default)
    {
        var (sql, parameters) = FamilyBillSumQuery(f);
        using var connection = Open();
        using var cmd = Command(connection, sql, parameters);
        using var reader = cmd.ExecuteReader();
        var rows = new List<FamilyBillTotal>();
        while (reader.Read())
            rows.Add(new FamilyBillTotal(Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11)));
        return Task.FromResult<IReadOnlyList<FamilyBillTotal>>(rows);
    }

    /// <summary>
    /// The bills of the filter summed per school: a bureau's districts through ix_family_bills_district (district, semester, school;
    /// migration 16), a school's through ix_family_bills_school; each bill's stored figures read once, grouped in the store.
    /// </summary>
    internal static (string Sql, (string Name, object? Value)[] Parameters) FamilyBillSumQuery(FamilyBillFilter f)
    {
        var page = FamilyBillConditions(f);
        const string Balance = "json_extract(doc, '$.balanceFen')";
        var sql = page.Select($"""
            json_extract(doc, '$.schoolId'), json_extract(doc, '$.districtCode'), count(*), coalesce(sum(json_extract(doc, '$.billedFen')), 0),
            coalesce(sum(json_extract(doc, '$.waivedFen')), 0), coalesce(sum(json_extract(doc, '$.creditedFen')), 0), coalesce(sum(json_extract(doc, '$.paidFen')), 0),
            coalesce(sum(json_extract(doc, '$.refundedFen')), 0), coalesce(sum(max({Balance}, 0)), 0), coalesce(sum(max(-{Balance}, 0)), 0), coalesce(sum({Balance} > 0), 0), coalesce(sum({Balance} < 0), 0)
            """, "family_bills", "GROUP BY json_extract(doc, '$.districtCode'), json_extract(doc, '$.schoolId')");
        return (sql, page.With());
    }

    /// <summary>The filter's conditions only (one statement text per combination, as SQLite plans once per text).</summary>
    private static Page FamilyBillConditions(FamilyBillFilter f)
    {
        var page = new Page();
        if (f.Districts is { } districts)
            page.Where("json_extract(doc, '$.districtCode') IN (SELECT value FROM json_each($districts))", ("$districts", StoreJson.Serialize(districts.Distinct())));
        if (f.Semester is { } semester) page.Where("json_extract(doc, '$.semester') = $semester", ("$semester", semester));
        if (f.SchoolId is { } school) page.Where("json_extract(doc, '$.schoolId') = $school", ("$school", Key(school)));
        if (f.Grade is { } grade) page.Where("json_extract(doc, '$.grade') = $grade", ("$grade", grade));
        if (f.ClassName is { } className) page.Where("json_extract(doc, '$.className') = $class", ("$class", className));
        if (f.PupilId is { } pupil) page.Where("json_extract(doc, '$.pupilId') = $pupil", ("$pupil", Key(pupil)));
        if (f.WindowId is { } window)
            page.Where("EXISTS (SELECT 1 FROM json_each(doc, '$.windowIds') w WHERE w.value = $window)", ("$window", Key(window)));
        if (f.UnpaidOnly) page.Where("json_extract(doc, '$.balanceFen') > 0");
        switch (f.State)
        {
            case BillState.Owed: page.Where("json_extract(doc, '$.balanceFen') > 0"); break;
            case BillState.PaidUp: page.Where("json_extract(doc, '$.balanceFen') = 0"); break;
            case BillState.RefundDue: page.Where("json_extract(doc, '$.balanceFen') < 0"); break;
        }
        return page;
    }

    public Task<int> CountSelectionWaitingAheadAsync(Guid windowId, Guid programmeId, DateTimeOffset submittedAt, Guid pupilId, IReadOnlyCollection<int>? grades,
        CancellationToken ct = default)
    {
        var (sql, parameters) = WaitingAheadQuery(windowId, programmeId, submittedAt, pupilId, grades);
        using var connection = Open();
        using var cmd = Command(connection, sql, parameters);
        return Task.FromResult(Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The first-come applications ahead of one (submittedAt, then pupil id) that wait for a programme: one range of selection_queue's
    /// primary key (window, programme, submittedAt, pupil id; migration 15, kept by triggers), counted without reading a document.
    /// Stored instants are UTC and compare as strings; ids' "D" form compares as strings in Guid order.
    /// </summary>
    internal static (string Sql, (string Name, object? Value)[] Parameters) WaitingAheadQuery(Guid windowId, Guid programmeId, DateTimeOffset submittedAt,
        Guid pupilId, IReadOnlyCollection<int>? grades)
    {
        var parameters = new List<(string Name, object? Value)>
        {
            ("$window", Key(windowId)), ("$programme", Key(programmeId)), ("$at", StoreJson.FormatTime(submittedAt)), ("$pupil", Key(pupilId)),
        };
        var gradeCondition = "";
        if (grades is { Count: > 0 })
        {
            gradeCondition = " AND grade IN (SELECT value FROM json_each($grades))";
            parameters.Add(("$grades", StoreJson.Serialize(grades.Distinct())));
        }
        var sql = """
            SELECT count(*) FROM selection_queue
            WHERE window_id = $window AND programme_id = $programme AND submitted_at <= $at AND (submitted_at < $at OR pupil_id < $pupil)
            """ + gradeCondition;
        return (sql, [.. parameters]);
    }

    /// <summary>The page's statement, with only the filter's conditions (SQLite plans once per statement text: no catch-all conditions).</summary>
    internal static (string Sql, (string Name, object? Value)[] Parameters) PupilsQuery(PupilFilter f)
    {
        var page = new Page();
        if (f.SchoolId is { } school) page.Where("json_extract(doc, '$.schoolId') = $school", ("$school", Key(school)));
        if (f.Grade is { } grade) page.Where("json_extract(doc, '$.grade') = $grade", ("$grade", grade));
        if (f.ClassName is { } className) page.Where("json_extract(doc, '$.className') = $class", ("$class", className));
        if (f.GuardianId is { } guardian)
            page.Where("id IN (SELECT pupil_id FROM pupil_guardians WHERE guardian_id = $guardian)", ("$guardian", Key(guardian)));
        if (f.RosteredBefore is { } before) page.Where("json_extract(doc, '$.rosteredAt') < $before", ("$before", StoreJson.FormatTime(before)));
        if (f.After is { } after) page.Where("id > $after", ("$after", Key(after)));
        // Retention: the stale pupils are few, so find them by ix_pupils_rostered and sort those; without INDEXED BY SQLite walks the
        // whole table in id order (the ORDER BY's index) to find them.
        var table = f.RosteredBefore is not null && f.SchoolId is null && f.GuardianId is null ? "pupils INDEXED BY ix_pupils_rostered" : "pupils";
        return (page.Sql(table, "ORDER BY id LIMIT $limit"), page.With(("$limit", f.Limit)));
    }
}
