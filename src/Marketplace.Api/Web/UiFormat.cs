using System.Globalization;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Web;

/// <summary>
/// How the web UI writes times and money, in the circuit's language: Beijing time always ("9月1日 周二 15:40",
/// "Tue 1 Sep 15:40"), amounts from fen as ¥ with two decimals. Pages never format these themselves.
/// </summary>
public static class UiFormat
{
    private static bool Chinese => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "zh";

    /// <summary>Date, weekday and time in Beijing: 9月1日 周二 15:40 / Tue 1 Sep 15:40.</summary>
    public static string When(DateTimeOffset at) =>
        ChinaTime.ToLocal(at).ToString(Chinese ? "M月d日 ddd HH:mm" : "ddd d MMM HH:mm", CultureInfo.CurrentUICulture);

    /// <summary>With the year when it is not this one (Beijing): 2027年3月1日 周一 15:40.</summary>
    public static string WhenWithYear(DateTimeOffset at, DateTimeOffset now) =>
        ChinaTime.ToLocal(at).Year == ChinaTime.ToLocal(now).Year ? When(at)
            : ChinaTime.ToLocal(at).ToString(Chinese ? "yyyy年M月d日 ddd HH:mm" : "ddd d MMM yyyy HH:mm", CultureInfo.CurrentUICulture);

    /// <summary>A day in Beijing: 9月1日 周二 / Tue 1 Sep.</summary>
    public static string Day(DateOnly day) => day.ToString(Chinese ? "M月d日 ddd" : "ddd d MMM", CultureInfo.CurrentUICulture);

    public static string Day(DateTimeOffset at) => Day(DateOnly.FromDateTime(ChinaTime.ToLocal(at).DateTime));

    /// <summary>A time of day: 15:40.</summary>
    public static string Time(DateTimeOffset at) => ChinaTime.ToLocal(at).ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The span of a session: 9月1日 周二 15:40–17:10.</summary>
    public static string Span(DateTimeOffset start, DateTimeOffset end) => $"{When(start)}–{Time(end)}";

    /// <summary>Fen as yuan: 123456 → ¥1,234.56; negative amounts keep their sign before the ¥.</summary>
    public static string Money(long fen) =>
        (fen < 0 ? "-¥" : "¥") + (Math.Abs(fen) / 100m).ToString("#,##0.00", CultureInfo.InvariantCulture);

    /// <summary>The Beijing day of an instant, for grouping and calendars.</summary>
    public static DateOnly LocalDay(DateTimeOffset at) => DateOnly.FromDateTime(ChinaTime.ToLocal(at).DateTime);
}
