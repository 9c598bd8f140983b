namespace Marketplace.Core.Schools.Import;

/// <summary>
/// A roster file as the host read it (CSV or XLSX alike): the header row (line 1) and the data rows after it, each cell named by
/// its column letter (A, B, … AA). <see cref="TooManyRows"/>: the file has more than <see cref="SchoolImportCommands.MaxRows"/>
/// data rows; reading stopped after the last allowed one.
/// </summary>
public sealed record RosterTable(IReadOnlyList<RosterCell> Header, IReadOnlyList<RosterRow> Rows, bool TooManyRows = false);

public sealed record RosterRow(int Line, IReadOnlyList<RosterCell> Cells);

public sealed record RosterCell(string Column, string Text);

/// <summary>
/// A roster's columns, each by its field name with the Chinese header it may also have (either, any case), and whether it must be
/// there. Shared by the school roster and the pupil roster imports.
/// </summary>
public sealed class RosterColumns((string Field, string Chinese, bool Required)[] columns)
{
    private readonly Dictionary<string, string> _fieldByHeader = columns
        .SelectMany(c => new[] { (c.Field, c.Field), (c.Chinese, c.Field) })
        .ToDictionary(h => h.Item1, h => h.Item2, StringComparer.OrdinalIgnoreCase);

    /// <summary>Field name → column letter. Every header must be known and appear once; every required column must be there.</summary>
    public Dictionary<string, string> ReadHeader(IReadOnlyList<RosterCell> header, List<ImportError> errors)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var cell in header.Where(c => c.Text.Trim().Length > 0))
        {
            var text = cell.Text.Trim();
            if (!_fieldByHeader.TryGetValue(text, out var field))
                errors.Add(new ImportError(1, cell.Column, null, "import.column-unknown", new("import.column-unknown", text)));
            else if (!found.TryAdd(field, cell.Column))
                errors.Add(new ImportError(1, cell.Column, field, "import.column-repeated", new("import.column-repeated", found[field])));
        }
        foreach (var (field, chinese, _) in columns.Where(c => c.Required && !found.ContainsKey(c.Field)))
            errors.Add(new ImportError(1, null, field, "import.column-missing", new("import.column-missing", chinese, field)));
        return found;
    }
}
