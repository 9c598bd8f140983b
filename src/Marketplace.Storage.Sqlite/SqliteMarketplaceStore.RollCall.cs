using Marketplace.Core.Families.RollCall;
using Marketplace.Core.Persistence;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// Roll calls (issue 18): a pupil's rolls through roll_pupils (kept by the roll_calls table's triggers, migration 13), newest session
/// first; distinct present pupils per school over ix_roll_calls_district (the district's rolls of the span, each roll's present ids).
/// </summary>
internal sealed partial class SqliteMarketplaceStore
{
    public Task<IReadOnlyList<Roll>> ListRollsOfPupilAsync(Guid pupilId, int limit, CancellationToken ct = default) =>
        Task.FromResult(QueryDocs<Roll>("""
            SELECT doc FROM roll_calls WHERE id IN (SELECT roll_id FROM roll_pupils WHERE pupil_id = $pupil)
            ORDER BY json_extract(doc, '$.sessionStartsAt') DESC, id LIMIT $limit
            """, ("$pupil", Key(pupilId)), ("$limit", limit)));

    public Task<IReadOnlyList<PresentPupilCount>> CountPresentPupilsAsync(IReadOnlyCollection<string> districts, DateTimeOffset from, DateTimeOffset before,
        CancellationToken ct = default)
    {
        using var connection = Open();
        using var cmd = Command(connection, """
            SELECT json_extract(r.doc, '$.schoolId'), json_extract(r.doc, '$.districtCode'), count(DISTINCT p.value)
            FROM roll_calls r, json_each(r.doc, '$.presentPupilIds') p
            WHERE json_extract(r.doc, '$.districtCode') IN (SELECT value FROM json_each($districts))
              AND json_extract(r.doc, '$.sessionStartsAt') >= $from AND json_extract(r.doc, '$.sessionStartsAt') < $before
            GROUP BY json_extract(r.doc, '$.schoolId'), json_extract(r.doc, '$.districtCode')
            """, ("$districts", StoreJson.Serialize(districts)), ("$from", StoreJson.FormatTime(from)), ("$before", StoreJson.FormatTime(before)));
        using var reader = cmd.ExecuteReader();
        var counts = new List<PresentPupilCount>();
        while (reader.Read()) counts.Add(new PresentPupilCount(Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetInt64(2)));
        return Task.FromResult<IReadOnlyList<PresentPupilCount>>(counts);
    }
}
