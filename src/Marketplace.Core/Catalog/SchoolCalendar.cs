using System.Globalization;

namespace Marketplace.Core.Catalog;

/// <summary>
/// Days without after-school sessions. Built in: the State Council's 2026 schedule (DOMAIN.md) and, for every year,
/// the holidays fixed to the Gregorian calendar — 元旦 (1 Jan), 劳动节 (1–2 May), 国庆节 (1–3 Oct). The lunar ones
/// (春节, 端午, 中秋), 清明 and the days bridged by 调休 move every year and come with each year's schedule: a district adds
/// them with Marketplace:Holidays until the built-in list has that year.
/// </summary>
public sealed class SchoolCalendar
{
    private static readonly (string From, string To)[] Published2026 =
    [
        ("2026-01-01", "2026-01-03"), ("2026-02-15", "2026-02-23"), ("2026-04-04", "2026-04-06"), ("2026-05-01", "2026-05-05"),
        ("2026-06-19", "2026-06-21"), ("2026-09-25", "2026-09-27"), ("2026-10-01", "2026-10-07"),
    ];

    private readonly HashSet<DateOnly> _holidays;

    public SchoolCalendar(IEnumerable<(DateOnly From, DateOnly To)>? extra = null)
    {
        _holidays = [];
        foreach (var (from, to) in Published2026.Select(r => (Parse(r.From), Parse(r.To))).Concat(extra ?? []))
            for (var d = from; d <= to; d = d.AddDays(1)) _holidays.Add(d);
    }

    /// <summary>The built-in calendar only.</summary>
    public static SchoolCalendar Default { get; } = new();

    public bool IsPublicHoliday(DateOnly date) =>
        _holidays.Contains(date) || (date.Month, date.Day) is (1, 1) or (5, 1) or (5, 2) or (10, 1) or (10, 2) or (10, 3);

    /// <summary>
    /// "2027-02-05..2027-02-13" or "2027-04-05": a range or a day. False when unreadable, reversed or longer than a month.
    /// </summary>
    public static bool TryParseRange(string text, out (DateOnly From, DateOnly To) range)
    {
        range = default;
        var parts = text.Split("..", StringSplitOptions.TrimEntries);
        if (parts.Length is not (1 or 2)) return false;
        if (!DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)) return false;
        var to = from;
        if (parts.Length == 2 && !DateOnly.TryParseExact(parts[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out to)) return false;
        if (to < from || to.DayNumber - from.DayNumber > 31) return false;
        range = (from, to);
        return true;
    }

    private static DateOnly Parse(string date) => DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
