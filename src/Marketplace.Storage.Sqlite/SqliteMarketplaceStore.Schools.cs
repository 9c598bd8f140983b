using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;

namespace Marketplace.Storage.Sqlite;

/// <summary>The school roster: a bureau's schools by district (ix_schools_district), schools by 学校标识码 (ux_schools_code), users by name.</summary>
internal sealed partial class SqliteMarketplaceStore
{
    public Task<IReadOnlyList<School>> ListSchoolsAsync(SchoolFilter filter, CancellationToken ct = default)
    {
        var (sql, parameters) = SchoolsQuery(filter);
        return Task.FromResult(QueryDocs<School>(sql, parameters));
    }

    public Task<IReadOnlyList<School>> FindSchoolsByCodeAsync(IReadOnlyCollection<string> schoolCodes, CancellationToken ct = default) =>
        schoolCodes.Count == 0 ? Task.FromResult<IReadOnlyList<School>>([])
            : Task.FromResult(QueryDocs<School>("SELECT doc FROM schools WHERE json_extract(doc, '$.schoolCode') IN (SELECT value FROM json_each($codes))",
                ("$codes", StoreJson.Serialize(schoolCodes))));

    public Task<IReadOnlyList<User>> FindUsersAsync(IReadOnlyCollection<string> usernames, CancellationToken ct = default) =>
        usernames.Count == 0 ? Task.FromResult<IReadOnlyList<User>>([])
            : Task.FromResult(QueryDocs<User>("SELECT doc FROM users WHERE json_extract(doc, '$.username') IN (SELECT value FROM json_each($names))",
                ("$names", StoreJson.Serialize(usernames.Select(User.NormalizeUsername).Distinct()))));

    /// <summary>
    /// The page's statement, with only the filter's conditions. "No booking since" is a NOT EXISTS over the school's bookings
    /// (ix_bookings_school, named: without statistics SQLite took ix_bookings_status_expiry for the status list, which reads every
    /// open booking of the platform for each school), so it costs one index probe per school of the page's districts.
    /// </summary>
    internal static (string Sql, (string Name, object? Value)[] Parameters) SchoolsQuery(SchoolFilter f)
    {
        var page = new Page();
        page.Where("json_extract(doc, '$.districtCode') IN (SELECT value FROM json_each($districts))", ("$districts", StoreJson.Serialize(f.Districts)));
        if (f.Stage is { } stage) page.Where("json_extract(doc, '$.stage') = $stage", ("$stage", stage.ToString()));
        if (f.NoBookingSince is { } since)
            page.Where("""
                NOT EXISTS (SELECT 1 FROM bookings b INDEXED BY ix_bookings_school WHERE json_extract(b.doc, '$.schoolId') = schools.id
                  AND json_extract(b.doc, '$.status') IN (SELECT value FROM json_each($booked))
                  AND json_extract(b.doc, '$.sessionStartsAt') >= $since)
                """, ("$booked", StoreJson.Serialize(SchoolFilter.BookedStatuses.Select(s => s.ToString()))), ("$since", StoreJson.FormatTime(since)));
        if (f.After is { } after) page.Where("id > $after", ("$after", Key(after)));
        return (page.Sql("schools", "ORDER BY id LIMIT $limit"), page.With(("$limit", f.Limit)));
    }
}
