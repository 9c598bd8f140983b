using System.Globalization;

namespace Marketplace.Api.Configuration;

/// <summary>
/// Booking-path rules (Marketplace:Booking:*, issue 13): how many hours before a session new bookings close, by mode, unless
/// an offering sets its own <c>minLeadHours</c>. Read by <see cref="MarketplaceSettings.Load"/> only.
/// </summary>
public sealed record BookingRuleSettings
{
    /// <summary>Marketplace:Booking:MinLeadHoursOffCampus — 走出去 (and Both): transport and safety arrangements (default 24).</summary>
    public int MinLeadHoursOffCampus { get; init; } = 24;

    /// <summary>Marketplace:Booking:MinLeadHoursOnCampus — 请进来: the provider comes to the school (default 2).</summary>
    public int MinLeadHoursOnCampus { get; init; } = 2;

    internal static BookingRuleSettings Load(IConfigurationSection section, List<string> errors)
    {
        var defaults = new BookingRuleSettings();
        return new BookingRuleSettings
        {
            MinLeadHoursOffCampus = Hours(section, "MinLeadHoursOffCampus", defaults.MinLeadHoursOffCampus, errors),
            MinLeadHoursOnCampus = Hours(section, "MinLeadHoursOnCampus", defaults.MinLeadHoursOnCampus, errors),
        };
    }

    private static int Hours(IConfigurationSection section, string key, int fallback, List<string> errors)
    {
        if (section[key] is not { Length: > 0 } raw) return fallback;
        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= 336) return value;
        errors.Add($"Marketplace:Booking:{key} must be a whole number of hours from 0 to 336 (was '{raw}').");
        return fallback;
    }
}
