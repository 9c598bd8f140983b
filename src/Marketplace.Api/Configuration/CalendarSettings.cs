using System.Globalization;

namespace Marketplace.Api.Configuration;

/// <summary>
/// The school calendar's yearly additions and the decision deadline of underfilled sessions: Marketplace:MakeupWorkdays and
/// Marketplace:Sessions:UnderfilledNoticeHours. (Marketplace:Holidays is read with the other settings.) Read by
/// <see cref="MarketplaceSettings.Load"/> only.
/// </summary>
public sealed record CalendarSettings
{
    /// <summary>Marketplace:MakeupWorkdays — make-up working days (调休) beyond the built-in 2026 ones: weekend days that count as school days.</summary>
    public IReadOnlyList<DateOnly> MakeupWorkdays { get; init; } = [];

    /// <summary>Marketplace:Sessions:UnderfilledNoticeHours — how long before a 走出去 session its provider learns it is below minGroup (48).</summary>
    public int UnderfilledNoticeHours { get; init; } = 48;

    internal static CalendarSettings Load(IConfigurationSection marketplace, IReadOnlyList<(DateOnly From, DateOnly To)> holidays, List<string> errors)
    {
        var section = marketplace.GetSection("MakeupWorkdays");
        var entries = section.Value is { } joined ? joined.Split([',', '，'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : section.GetChildren().Select(c => c.Value?.Trim() ?? "").Where(v => v.Length > 0).ToArray();
        var days = new List<DateOnly>();
        var calendar = new Core.Catalog.SchoolCalendar(holidays);
        foreach (var entry in entries)
        {
            if (!DateOnly.TryParseExact(entry, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                errors.Add($"Marketplace:MakeupWorkdays: '{entry}' is not a day (2027-02-20).");
            else if (calendar.IsPublicHoliday(day))
                errors.Add($"Marketplace:MakeupWorkdays: {entry} is a holiday (built in or in Marketplace:Holidays); a day is one or the other.");
            else days.Add(day);
        }
        var hours = 48;
        if (marketplace["Sessions:UnderfilledNoticeHours"] is { Length: > 0 } raw
            && !(int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out hours) && hours is >= 1 and <= 336))
            errors.Add($"Marketplace:Sessions:UnderfilledNoticeHours must be a whole number of hours from 1 to 336, e.g. 48 (was '{raw}').");
        return new CalendarSettings { MakeupWorkdays = days, UnderfilledNoticeHours = hours };
    }
}
