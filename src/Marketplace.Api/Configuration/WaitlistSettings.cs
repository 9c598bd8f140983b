namespace Marketplace.Api.Configuration;

/// <summary>The waiting list (Marketplace:Waitlist:*). Read by <see cref="MarketplaceSettings.Load"/> only.</summary>
public sealed record WaitlistSettings
{
    /// <summary>Marketplace:Waitlist:HoldDuration — how long a group whose seats are held has to accept (never past the session's start).</summary>
    public TimeSpan HoldDuration { get; init; } = TimeSpan.FromHours(12);

    /// <summary>Marketplace:Waitlist:MaxEntriesPerSession — the most live entries one session's waiting list takes.</summary>
    public int MaxEntriesPerSession { get; init; } = 50;

    internal static WaitlistSettings Load(IConfigurationSection section, List<string> errors)
    {
        var defaults = new WaitlistSettings();
        var hold = defaults.HoldDuration;
        if (section["HoldDuration"] is { Length: > 0 } rawHold
            && !(TimeSpan.TryParse(rawHold, System.Globalization.CultureInfo.InvariantCulture, out hold) && hold > TimeSpan.Zero))
            errors.Add($"Marketplace:Waitlist:HoldDuration must be a positive time span, e.g. 12:00:00 (was '{rawHold}').");
        var max = defaults.MaxEntriesPerSession;
        if (section["MaxEntriesPerSession"] is { Length: > 0 } rawMax
            && !(int.TryParse(rawMax, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out max) && max is >= 1 and <= 1000))
            errors.Add($"Marketplace:Waitlist:MaxEntriesPerSession must be a whole number from 1 to 1000, e.g. 50 (was '{rawMax}').");
        return new WaitlistSettings { HoldDuration = hold, MaxEntriesPerSession = max };
    }
}
