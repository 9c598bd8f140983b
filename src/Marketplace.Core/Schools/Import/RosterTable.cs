namespace Marketplace.Core.Schools.Import;

/// <summary>
/// A roster file as the host read it (CSV or XLSX alike): the header row (line 1) and the data rows after it, each cell named by
/// its column letter (A, B, … AA). <see cref="TooManyRows"/>: the file has more than <see cref="SchoolImportCommands.MaxRows"/>
/// data rows; reading stopped after the last allowed one.
/// </summary>
public sealed record RosterTable(IReadOnlyList<RosterCell> Header, IReadOnlyList<RosterRow> Rows, bool TooManyRows = false);

public sealed record RosterRow(int Line, IReadOnlyList<RosterCell> Cells);

public sealed record RosterCell(string Column, string Text);
