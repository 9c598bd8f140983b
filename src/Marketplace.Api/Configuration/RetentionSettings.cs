namespace Marketplace.Api.Configuration;

/// <summary>
/// How long the store keeps what it no longer needs (Marketplace:Retention:*): idempotency records, and outbox events every
/// active consumer has read; and how often the clean-up runs. Read by <see cref="MarketplaceSettings.Load"/> only.
/// </summary>
public sealed record RetentionSettings
{
    /// <summary>Marketplace:Retention:Idempotency — a client retrying a booking or payment POST gets the same answer this long.</summary>
    public TimeSpan Idempotency { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Marketplace:Retention:Outbox — the change feed (<c>GET /api/events?after=</c>) reaches back this far.</summary>
    public TimeSpan Outbox { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Marketplace:Retention:Sweep — how often the clean-up runs.</summary>
    public TimeSpan Sweep { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Marketplace:Retention:Pupils — a pupil no roster import has listed for this long has left the school and is deleted
    /// (with a guardian left without any child). 400 days: one school year and its summer, so a roster imported each autumn keeps
    /// every pupil still there.</summary>
    public TimeSpan Pupils { get; init; } = TimeSpan.FromDays(400);

    internal static RetentionSettings Load(IConfigurationSection section, List<string> errors)
    {
        var defaults = new RetentionSettings();
        return new RetentionSettings
        {
            Idempotency = Positive(section, "Idempotency", defaults.Idempotency, "7.00:00:00", errors),
            Outbox = Positive(section, "Outbox", defaults.Outbox, "30.00:00:00", errors),
            Sweep = Positive(section, "Sweep", defaults.Sweep, "01:00:00", errors),
            Pupils = Positive(section, "Pupils", defaults.Pupils, "400.00:00:00", errors),
        };
    }

    private static TimeSpan Positive(IConfigurationSection section, string key, TimeSpan fallback, string example, List<string> errors)
    {
        if (section[key] is not { Length: > 0 } raw) return fallback;
        if (TimeSpan.TryParse(raw, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero) return value;
        errors.Add($"Marketplace:Retention:{key} must be a positive time span, e.g. {example} (was '{raw}').");
        return fallback;
    }
}
