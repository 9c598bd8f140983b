namespace Marketplace.Core.Shared;

/// <summary>Times are stored in UTC and shown in Asia/Shanghai (UTC+8, no daylight saving).</summary>
public static class ChinaTime
{
    public static readonly TimeZoneInfo Zone = FindZone();

    public static DateTimeOffset ToLocal(DateTimeOffset utc) => TimeZoneInfo.ConvertTime(utc, Zone);

    public static DateTimeOffset FromLocal(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>
    /// The years the marketplace accepts in input. Outside them the zone's rules are not those of today (before 1901
    /// Shanghai kept local mean time, +08:05:43) and year 1 cannot even be converted to UTC.
    /// </summary>
    public static bool Supports(DateOnly date) => date.Year is >= 2000 and <= 2099;

    /// <summary>
    /// An ISO-8601 instant from a client. One without an offset ("2026-09-01T15:40") is a Beijing wall-clock time, as a
    /// school or provider means it, never the server's zone. False when unparsable or outside <see cref="Supports"/>.
    /// </summary>
    public static bool TryParseInstant(string? raw, out DateTimeOffset utc)
    {
        utc = default;
        if (string.IsNullOrWhiteSpace(raw)) return false;
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        if (DateTime.TryParse(raw, invariant, System.Globalization.DateTimeStyles.RoundtripKind, out var local) && local.Kind == DateTimeKind.Unspecified)
        {
            if (!Supports(DateOnly.FromDateTime(local))) return false;
            utc = FromLocal(DateOnly.FromDateTime(local), TimeOnly.FromDateTime(local));
            return true;
        }
        if (!DateTimeOffset.TryParse(raw, invariant, System.Globalization.DateTimeStyles.None, out var at) || !Supports(DateOnly.FromDateTime(at.UtcDateTime))) return false;
        utc = at.ToUniversalTime();
        return true;
    }

    public static DateOnly DateOf(DateTimeOffset at) => DateOnly.FromDateTime(ToLocal(at).DateTime);

    public static DateOnly Today(TimeProvider clock) => DateOf(clock.GetUtcNow());

    /// <summary>
    /// Where a session lies in the Beijing week: the weekday it starts on, its start as minutes after that day's midnight, and its
    /// end as minutes after the same midnight (past 1440 when it ends on a later day). Plan windows and search windows compare these.
    /// </summary>
    public static (DayOfWeek Day, int StartMinute, int EndMinute) WeekSlot(DateTimeOffset startsAt, DateTimeOffset endsAt)
    {
        var local = ToLocal(startsAt);
        var midnight = new DateTimeOffset(local.Date, local.Offset);
        return (local.DayOfWeek, (int)(local - midnight).TotalMinutes, (int)Math.Ceiling((endsAt - midnight).TotalMinutes));
    }

    private static TimeZoneInfo FindZone()
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"); }
        catch (TimeZoneNotFoundException) { return TimeZoneInfo.CreateCustomTimeZone("Asia/Shanghai", TimeSpan.FromHours(8), "China Standard Time", "CST"); }
    }
}
