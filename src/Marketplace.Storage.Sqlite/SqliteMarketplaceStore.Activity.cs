using Marketplace.Core.Persistence;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// Which pupils of a selection window already have an after-school activity in its semester (the lottery's <c>no-activity</c> flag), for
/// all of them in one statement: their applications through ix_selection_applications_pupil (the school's windows of the semester through
/// ix_selection_windows_school), their rolls through roll_pupils' primary key (pupil, roll).
/// </summary>
internal sealed partial class SqliteMarketplaceStore
{
    public Task<IReadOnlyCollection<Guid>> FindPupilsWithActivityAsync(PupilActivityFilter filter, CancellationToken ct = default)
    {
        if (filter.PupilIds.Count == 0) return Task.FromResult<IReadOnlyCollection<Guid>>([]);
        var (sql, parameters) = ActivityQuery(filter);
        using var connection = Open();
        using var cmd = Command(connection, sql, parameters);
        using var reader = cmd.ExecuteReader();
        var active = new HashSet<Guid>();
        while (reader.Read()) active.Add(Guid.Parse(reader.GetString(0)));
        return Task.FromResult<IReadOnlyCollection<Guid>>(active);
    }

    internal static (string Sql, (string Name, object? Value)[] Parameters) ActivityQuery(PupilActivityFilter f) => ("""
        SELECT json_extract(a.doc, '$.pupilId') FROM selection_applications AS a
        WHERE json_extract(a.doc, '$.pupilId') IN (SELECT value FROM json_each($pupils))
          AND json_extract(a.doc, '$.windowId') IN (SELECT id FROM selection_windows
                WHERE json_extract(doc, '$.schoolId') = $school AND json_extract(doc, '$.semester') = $semester AND id <> $window)
          AND json_extract(a.doc, '$.status') NOT IN ('Rejected', 'Withdrawn') AND json_array_length(a.doc, '$.placements') > 0
        UNION
        SELECT p.pupil_id FROM roll_pupils AS p JOIN roll_calls AS r ON r.id = p.roll_id
        WHERE p.pupil_id IN (SELECT value FROM json_each($pupils))
          AND json_extract(r.doc, '$.sessionStartsAt') >= $from AND json_extract(r.doc, '$.sessionStartsAt') < $before
          AND EXISTS (SELECT 1 FROM json_each(r.doc, '$.presentPupilIds') AS x WHERE x.value = p.pupil_id)
        """,
        [
            ("$pupils", StoreJson.Serialize(f.PupilIds.Distinct().Select(Key))), ("$school", Key(f.SchoolId)), ("$semester", f.Semester),
            ("$window", Key(f.ExceptWindowId)), ("$from", StoreJson.FormatTime(f.From)), ("$before", StoreJson.FormatTime(f.Before)),
        ]);
}
