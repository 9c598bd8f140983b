namespace Marketplace.Core.Catalog;

/// <summary>National public holidays on which no after-school sessions run (国务院办公厅 2026 schedule).</summary>
public static class SchoolCalendar
{
    private static readonly HashSet<DateOnly> Holidays = Build(
        ("2026-01-01", "2026-01-03"), ("2026-02-15", "2026-02-23"), ("2026-04-04", "2026-04-06"), ("2026-05-01", "2026-05-05"),
        ("2026-06-19", "2026-06-21"), ("2026-09-25", "2026-09-27"), ("2026-10-01", "2026-10-07"));

    public static bool IsPublicHoliday(DateOnly date) => Holidays.Contains(date);

    private static HashSet<DateOnly> Build(params (string From, string To)[] ranges)
    {
        var set = new HashSet<DateOnly>();
        foreach (var (from, to) in ranges)
            for (var d = DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture); d <= DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture); d = d.AddDays(1))
                set.Add(d);
        return set;
    }
}
