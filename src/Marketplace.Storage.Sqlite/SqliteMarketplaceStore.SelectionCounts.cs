using Marketplace.Core.Persistence;

namespace Marketplace.Storage.Sqlite;

/// <summary>A window's applications counted (the school's pager): the list's conditions over ix_selection_applications_window, no document read.</summary>
internal sealed partial class SqliteMarketplaceStore
{
    public Task<int> CountSelectionApplicationsAsync(SelectionApplicationFilter filter, CancellationToken ct = default)
    {
        var (sql, parameters) = CountApplicationsQuery(filter);
        using var connection = Open();
        using var cmd = Command(connection, sql, parameters);
        return Task.FromResult(Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    internal static (string Sql, (string Name, object? Value)[] Parameters) CountApplicationsQuery(SelectionApplicationFilter f)
    {
        var page = new Page();
        if (f.WindowId is { } window) page.Where("json_extract(doc, '$.windowId') = $window", ("$window", Key(window)));
        if (f.Grade is { } grade) page.Where("json_extract(doc, '$.grade') = $grade", ("$grade", grade));
        if (f.ClassName is { } className) page.Where("json_extract(doc, '$.className') = $class", ("$class", className));
        if (f.PupilId is { } pupil) page.Where("json_extract(doc, '$.pupilId') = $pupil", ("$pupil", Key(pupil)));
        return (page.Select("count(*)", "selection_applications", ""), page.With());
    }
}
