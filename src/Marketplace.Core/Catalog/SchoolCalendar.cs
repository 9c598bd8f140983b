using System.Globalization;

namespace Marketplace.Core.Catalog;

/// <summary>
/// Days without after-school sessions, and the make-up working days (调休) that count as school days. Built in: the State
/// Council's 2026 schedule (DOMAIN.md) and, for every year, the holidays fixed to the Gregorian calendar — 元旦 (1 Jan),
/// 劳动节 (1–2 May), 国庆节 (1–3 Oct). The lunar ones (春节, 端午, 中秋), 清明, the days bridged by 调休 and the make-up
/// working days move every year and come with each year's schedule: the operator adds them with Marketplace:Holidays and
/// Marketplace:MakeupWorkdays (docs/operations.md, "Yearly holiday update"), never in code.
/// </summary>
public sealed class SchoolCalendar
{
    /// <summary>The note a session on a make-up working day carries (<c>calendarNote</c>): a school day, though a weekend one.</summary>
    public const string MakeupWorkdayNote = "makeup-workday";

    /// <summary>The note a session on a holiday carries: scheduled before the holiday was configured, so its provider should look at it.</summary>
    public const string HolidayNote = "holiday";

    private static readonly string[] MakeupWorkdays2026 = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"];

    private static readonly (string From, string To)[] Published2026 =
    [
        ("2026-01-01", "2026-01-03"), ("2026-02-15", "2026-02-23"), ("2026-04-04", "2026-04-06"), ("2026-05-01", "2026-05-05"),
        ("2026-06-19", "2026-06-21"), ("2026-09-25", "2026-09-27"), ("2026-10-01", "2026-10-07"),
    ];

    private readonly HashSet<DateOnly> _holidays;
    private readonly HashSet<DateOnly> _makeupWorkdays;

    public SchoolCalendar(IEnumerable<(DateOnly From, DateOnly To)>? extra = null, IEnumerable<DateOnly>? makeupWorkdays = null)
    {
        _holidays = [];
        foreach (var (from, to) in Published2026.Select(r => (Parse(r.From), Parse(r.To))).Concat(extra ?? []))
            for (var d = from; d <= to; d = d.AddDays(1)) _holidays.Add(d);
        _makeupWorkdays = [.. MakeupWorkdays2026.Select(Parse).Concat(makeupWorkdays ?? [])];
    }

    /// <summary>The built-in calendar only.</summary>
    public static SchoolCalendar Default { get; } = new();

    public bool IsPublicHoliday(DateOnly date) =>
        _holidays.Contains(date) || (date.Month, date.Day) is (1, 1) or (5, 1) or (5, 2) or (10, 1) or (10, 2) or (10, 3);

    /// <summary>A make-up working day (调休): a weekend day that counts as a school day, built in for 2026 or configured.</summary>
    public bool IsMakeupWorkday(DateOnly date) => _makeupWorkdays.Contains(date);

    /// <summary>What a provider should know of a session's day: <see cref="HolidayNote"/>, <see cref="MakeupWorkdayNote"/> or null.</summary>
    public string? NoteFor(DateOnly date) => IsPublicHoliday(date) ? HolidayNote : IsMakeupWorkday(date) ? MakeupWorkdayNote : null;

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
