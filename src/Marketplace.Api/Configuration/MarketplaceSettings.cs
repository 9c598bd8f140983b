using Marketplace.Api.Hosting;
using Marketplace.Core.Search;
using IPNetwork = System.Net.IPNetwork;

namespace Marketplace.Api.Configuration;

public enum StoreKind { Sqlite, Mongo }
public enum SearchKind { Lucene, Elasticsearch }
public enum BackplaneKind { None, Redis }

/// <summary>Offline: payments recorded with their bank or fiscal reference (always available); Stripe: also card/bank payments through Stripe.</summary>
public enum PaymentsKind { Offline, Stripe }

/// <summary>How one-time phone codes are sent (Marketplace:CodeSender).</summary>
public enum CodeSenderKind { None, Log }

/// <summary>
/// Every <c>Marketplace:*</c> setting, read and validated once, here, from configuration section "Marketplace": no other
/// class reads configuration. Invalid or incomplete settings stop the start-up with a message that names the key to fix.
/// </summary>
public sealed record MarketplaceSettings(
    string DataDirectory, StoreKind Store, SearchKind Search, BackplaneKind Backplane,
    string? MongoConnectionString, string MongoDatabase, string? ElasticsearchUrl, string? RedisConnectionString,
    string? JwtSigningKey, bool SeedDemo, TimeSpan BookingResponseWindow,
    string? SqlitePath = null, TimeSpan? ElasticsearchStartupWait = null, IReadOnlyList<IReadOnlyList<string>>? SynonymGroups = null,
    IReadOnlyList<string>? KeptWords = null, IReadOnlyList<(DateOnly From, DateOnly To)>? ExtraHolidays = null)
{
    /// <summary>The waiting list's hold duration and length (Marketplace:Waitlist:*).</summary>
    public WaitlistSettings Waitlist { get; init; } = new();

    /// <summary>How often unanswered booking requests are expired (Marketplace:BookingExpirySweep, default 30 s).</summary>
    public TimeSpan BookingExpirySweep { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Sign-ins (and provider registrations) per client address and minute (Marketplace:LoginsPerMinute, default 30).</summary>
    public int LoginsPerMinute { get; init; } = 30;

    /// <summary>Per-account lockout: Marketplace:Lockout:MaxFailures wrong passwords in a row (default 5) lock the account for
    /// Marketplace:Lockout:Minutes (default 15).</summary>
    public Core.Identity.LockoutPolicy Lockout { get; init; } = Core.Identity.LockoutPolicy.Default;

    /// <summary>Offerings one hub connection may watch at once (Marketplace:WatchedOfferingsPerConnection, default 50).</summary>
    public int WatchedOfferingsPerConnection { get; init; } = 50;

    /// <summary>Proxies whose X-Forwarded-* headers are believed (Marketplace:TrustedProxies); empty: none.</summary>
    public IReadOnlyList<IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>Largest request body in bytes (Marketplace:MaxRequestBodyBytes, default 256 KB); beyond it 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = DefaultMaxRequestBodyBytes;

    /// <summary>Client networks that may read /metrics (Marketplace:MetricsAllowedNetworks); default loopback only.</summary>
    public IReadOnlyList<IPNetwork> MetricsAllowedNetworks { get; init; } = Loopback;

    public const long DefaultMaxRequestBodyBytes = 256 * 1024;

    private static readonly IPNetwork[] Loopback = [IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")];

    /// <summary>
    /// Marketplace:SeedDemoHistory (default: as SeedDemo) — the demo also gets the semester so far: sessions of the past weeks
    /// booked, delivered, confirmed and settled, so the bureau's monitoring figures are not all zero. Tests turn it off to keep
    /// their fixed world.
    /// </summary>
    public bool SeedDemoHistory { get; init; }

    /// <summary>Marketplace:Retention:* — idempotency records, outbox events, how often the clean-up runs.</summary>
    public RetentionSettings Retention { get; init; } = new();

    /// <summary>Marketplace:CodeSender — how one-time phone codes reach guardians: <c>Log</c> (Development only: the code is logged)
    /// or <c>None</c> (no sender: guardian activation answers 409 <c>code-sender-unavailable</c>). No SMS gateway adapter exists yet.</summary>
    public CodeSenderKind CodeSender { get; init; } = CodeSenderKind.None;

    /// <summary>Marketplace:Booking:* — lead times for new bookings by mode.</summary>
    public BookingRuleSettings BookingRules { get; init; } = new();

    /// <summary>Marketplace:Mongo:ServerSelectionTimeout; null keeps the adapter's default.</summary>
    public TimeSpan? MongoServerSelectionTimeout { get; init; }

    /// <summary>Marketplace:MakeupWorkdays and Marketplace:Sessions:UnderfilledNoticeHours.</summary>
    public CalendarSettings CalendarSettings { get; init; } = new();

    /// <summary>The built-in school calendar plus Marketplace:Holidays and Marketplace:MakeupWorkdays.</summary>
    public Core.Catalog.SchoolCalendar Calendar => new(ExtraHolidays, CalendarSettings.MakeupWorkdays);

    /// <summary>Synonym groups of both index adapters: Marketplace:Synonyms when set, else <see cref="SearchSynonyms.Default"/>.</summary>
    public SearchSynonyms Synonyms => new() { Groups = SynonymGroups ?? SearchSynonyms.Default };

    /// <summary>Words the embedded index's segmenter keeps whole: Marketplace:SearchWords when set, else <see cref="SearchWords.Default"/>.</summary>
    public SearchWords Words => new() { Words = KeptWords ?? SearchWords.Default };

    /// <summary>How long start-up keeps retrying an unreachable Elasticsearch (Marketplace:Elasticsearch:StartupWait, default 60 s).</summary>
    public TimeSpan SearchStartupWait => Search == SearchKind.Elasticsearch ? ElasticsearchStartupWait ?? TimeSpan.FromSeconds(60) : TimeSpan.Zero;

    /// <summary>The SQLite file: Marketplace:Sqlite:DatabasePath, else marketplace.db in the data folder.</summary>
    public string DatabasePath => SqlitePath ?? Path.Combine(DataDirectory, "marketplace.db");
    public string IndexDirectory => Path.Combine(DataDirectory, "index");

    /// <summary>
    /// Where the web UI's data-protection keys live (they encrypt the sign-in and antiforgery cookies):
    /// Marketplace:DataProtection:KeysPath, else "keys" in the data folder. Replicas behind one address must share it.
    /// </summary>
    public string DataProtectionKeysPath { get; init; } = "";

    /// <summary>Marketplace:Payments — Offline (default) or Stripe (needs Marketplace:Stripe:SecretKey and :WebhookSecret).</summary>
    public PaymentsKind Payments { get; init; }

    public static MarketplaceSettings Load(IConfiguration configuration, bool isDevelopment)
    {
        var section = configuration.GetSection("Marketplace");
        var errors = new List<string>();
        var store = Parse<StoreKind>(section, "Store", errors);
        var search = Parse<SearchKind>(section, "Search", errors);
        var backplane = Parse<BackplaneKind>(section, "Backplane", errors);
        var payments = Parse<PaymentsKind>(section, "Payments", errors);

        string? Required(string key, bool when)
        {
            var value = section[key];
            if (when && string.IsNullOrWhiteSpace(value)) errors.Add($"Marketplace:{key} is required when {WhyRequired(key)}.");
            return string.IsNullOrWhiteSpace(value) ? null : value;
        }

        var mongo = Required("Mongo:ConnectionString", store == StoreKind.Mongo);
        var elastic = Required("Elasticsearch:Url", search == SearchKind.Elasticsearch);
        if (elastic is not null && !Uri.TryCreate(elastic, UriKind.Absolute, out _))
            errors.Add($"Marketplace:Elasticsearch:Url must be an absolute URL (was '{elastic}').");
        var redis = Required("Redis:ConnectionString", backplane == BackplaneKind.Redis);
        var signingKey = Required("Jwt:SigningKey", !isDevelopment);
        if (signingKey is not null && System.Text.Encoding.UTF8.GetByteCount(signingKey) < 32)
            errors.Add("Marketplace:Jwt:SigningKey must be at least 32 bytes long.");

        var seed = section.GetValue<bool?>("SeedDemo") ?? isDevelopment;
        if (seed && !isDevelopment) errors.Add("Marketplace:SeedDemo may only be enabled in the Development environment.");
        var seedHistory = seed && (section.GetValue<bool?>("SeedDemoHistory") ?? true);
        var window = section.GetValue<TimeSpan?>("BookingResponseWindow") ?? TimeSpan.FromHours(48);
        if (window <= TimeSpan.Zero) errors.Add("Marketplace:BookingResponseWindow must be positive (e.g. 2.00:00:00).");
        var sweep = TimeSpan.FromSeconds(30);
        if (section["BookingExpirySweep"] is { Length: > 0 } rawSweep
            && !(TimeSpan.TryParse(rawSweep, System.Globalization.CultureInfo.InvariantCulture, out sweep) && sweep > TimeSpan.Zero))
            errors.Add($"Marketplace:BookingExpirySweep must be a positive time span, e.g. 00:00:30 (was '{rawSweep}').");
        var logins = 30;
        if (section["LoginsPerMinute"] is { Length: > 0 } rawLogins
            && !(int.TryParse(rawLogins, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out logins) && logins > 0))
            errors.Add($"Marketplace:LoginsPerMinute must be a whole number of requests per minute, e.g. 30 (was '{rawLogins}').");
        var watched = 50;
        if (section["WatchedOfferingsPerConnection"] is { Length: > 0 } rawWatched
            && !(int.TryParse(rawWatched, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out watched) && watched is > 0 and <= 10_000))
            errors.Add($"Marketplace:WatchedOfferingsPerConnection must be a whole number from 1 to 10000, e.g. 50 (was '{rawWatched}').");
        var maxFailures = 5;
        if (section["Lockout:MaxFailures"] is { Length: > 0 } rawFailures
            && !(int.TryParse(rawFailures, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out maxFailures) && maxFailures is >= 1 and <= 100))
            errors.Add($"Marketplace:Lockout:MaxFailures must be a whole number from 1 to 100, e.g. 5 (was '{rawFailures}').");
        var lockMinutes = 15;
        if (section["Lockout:Minutes"] is { Length: > 0 } rawMinutes
            && !(int.TryParse(rawMinutes, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out lockMinutes) && lockMinutes is >= 1 and <= 1440))
            errors.Add($"Marketplace:Lockout:Minutes must be a whole number of minutes from 1 to 1440, e.g. 15 (was '{rawMinutes}').");
        var proxies = Hosting.TrustedProxies.Parse(section["TrustedProxies"], errors);
        var metricsNetworks = string.IsNullOrWhiteSpace(section["MetricsAllowedNetworks"])
            ? Loopback : [.. Hosting.TrustedProxies.Parse(section["MetricsAllowedNetworks"], errors, "MetricsAllowedNetworks")];
        var maxBody = DefaultMaxRequestBodyBytes;
        if (section["MaxRequestBodyBytes"] is { Length: > 0 } rawBody
            && !(long.TryParse(rawBody, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out maxBody) && maxBody >= 1024))
            errors.Add($"Marketplace:MaxRequestBodyBytes must be a whole number of bytes, at least 1024, e.g. 262144 (was '{rawBody}').");
        TimeSpan? selection = null;
        if (section["Mongo:ServerSelectionTimeout"] is { Length: > 0 } rawSelection)
        {
            if (TimeSpan.TryParse(rawSelection, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed > TimeSpan.Zero) selection = parsed;
            else errors.Add($"Marketplace:Mongo:ServerSelectionTimeout must be a positive time span, e.g. 00:00:05 (was '{rawSelection}').");
        }

        var retention = RetentionSettings.Load(section.GetSection("Retention"), errors);
        var codeSender = isDevelopment ? CodeSenderKind.Log : CodeSenderKind.None;
        if (section["CodeSender"] is { Length: > 0 } rawSender && !Enum.TryParse(rawSender, ignoreCase: true, out codeSender))
            errors.Add($"Marketplace:CodeSender must be Log or None (was '{rawSender}').");
        if (codeSender == CodeSenderKind.Log && !isDevelopment) errors.Add("Marketplace:CodeSender Log writes codes to the log: Development only.");
        var bookingRules = BookingRuleSettings.Load(section.GetSection("Booking"), errors);
        var waitlist = WaitlistSettings.Load(section.GetSection("Waitlist"), errors);
        var synonyms = SynonymGroupsOf(section.GetSection("Synonyms"), errors);
        var words = SearchWordsOf(section.GetSection("SearchWords"), errors);
        var holidays = HolidaysOf(section.GetSection("Holidays"), errors);
        var calendar = CalendarSettings.Load(section, holidays, errors);
        var startupWait = section.GetValue<TimeSpan?>("Elasticsearch:StartupWait");
        if (startupWait < TimeSpan.Zero) errors.Add("Marketplace:Elasticsearch:StartupWait must not be negative (e.g. 00:01:00).");

        if (errors.Count > 0)
            throw new InvalidConfigurationException("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => " - " + e)));

        var dataDirectory = Path.GetFullPath(section["DataDirectory"] is { Length: > 0 } d ? d : Path.Combine(Directory.GetCurrentDirectory(), "data"));
        return new MarketplaceSettings(dataDirectory, store, search, backplane, mongo, section["Mongo:Database"] ?? "marketplace",
            elastic, redis, signingKey, seed, window,
            section["Sqlite:DatabasePath"] is { Length: > 0 } sqlite ? Path.GetFullPath(sqlite) : null, startupWait, synonyms, words, holidays)
        {
            BookingExpirySweep = sweep, LoginsPerMinute = logins, TrustedProxies = proxies, MongoServerSelectionTimeout = selection,
            WatchedOfferingsPerConnection = watched, Lockout = new Core.Identity.LockoutPolicy(maxFailures, TimeSpan.FromMinutes(lockMinutes)),
            MaxRequestBodyBytes = maxBody, MetricsAllowedNetworks = metricsNetworks, Retention = retention,
            CodeSender = codeSender,
            BookingRules = bookingRules,
            SeedDemoHistory = seedHistory,
            CalendarSettings = calendar,
            Waitlist = waitlist,
            Payments = payments,
            DataProtectionKeysPath = Path.GetFullPath(section["DataProtection:KeysPath"] is { Length: > 0 } keys ? keys : Path.Combine(dataDirectory, "keys")),
        };
    }

    /// <summary>
    /// Marketplace:Synonyms — a list of groups, each a comma-separated string ("编程,程序设计", handy in environment
    /// variables: Marketplace__Synonyms__0) or a list of words (JSON). Null when the section is absent.
    /// </summary>
    private static List<IReadOnlyList<string>>? SynonymGroupsOf(IConfigurationSection section, List<string> errors)
    {
        if (!section.Exists()) return null;
        var groups = new List<IReadOnlyList<string>>();
        foreach (var group in section.GetChildren())
        {
            var words = (group.Value is { } joined ? joined.Split([',', '，'], StringSplitOptions.TrimEntries) : group.GetChildren().Select(w => w.Value?.Trim() ?? ""))
                .Where(w => w.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            if (words.Count < 2) errors.Add($"Marketplace:Synonyms:{group.Key} must name at least two different words (e.g. 编程,程序设计).");
            else groups.Add(words);
        }
        return groups;
    }

    /// <summary>
    /// Marketplace:SearchWords — one comma-separated string ("非遗,研学"; empty turns the list off) or a list (JSON).
    /// Null when the section is absent.
    /// </summary>
    private static List<string>? SearchWordsOf(IConfigurationSection section, List<string> errors)
    {
        if (!section.Exists()) return null;
        var words = (section.Value is { } joined ? joined.Split([',', '，'], StringSplitOptions.TrimEntries) : section.GetChildren().Select(w => w.Value?.Trim() ?? ""))
            .Where(w => w.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        foreach (var word in words.Where(w => w.Length < 2 || w.Any(char.IsWhiteSpace)))
            errors.Add($"Marketplace:SearchWords: '{word}' is not a word to keep whole (two or more characters, no spaces).");
        return words;
    }

    /// <summary>Marketplace:Holidays — days or ranges ("2027-02-05..2027-02-13"), comma-separated or a list (JSON).</summary>
    private static List<(DateOnly, DateOnly)> HolidaysOf(IConfigurationSection section, List<string> errors)
    {
        var entries = section.Value is { } joined ? joined.Split([',', '，'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : section.GetChildren().Select(c => c.Value?.Trim() ?? "").Where(v => v.Length > 0).ToArray();
        var ranges = new List<(DateOnly, DateOnly)>();
        foreach (var entry in entries)
        {
            if (Core.Catalog.SchoolCalendar.TryParseRange(entry, out var range)) ranges.Add(range);
            else errors.Add($"Marketplace:Holidays: '{entry}' is neither a day (2027-04-05) nor a range of at most a month (2027-02-05..2027-02-13).");
        }
        return ranges;
    }

    private static T Parse<T>(IConfigurationSection section, string key, List<string> errors) where T : struct, Enum
    {
        var raw = section[key];
        if (string.IsNullOrWhiteSpace(raw)) return default;
        if (Enum.TryParse<T>(raw, ignoreCase: true, out var value) && Enum.IsDefined(value)) return value;
        errors.Add($"Marketplace:{key} must be one of {string.Join(", ", Enum.GetNames<T>())} (was '{raw}').");
        return default;
    }

    private static string WhyRequired(string key) => key switch
    {
        "Mongo:ConnectionString" => "Marketplace:Store is Mongo",
        "Elasticsearch:Url" => "Marketplace:Search is Elasticsearch",
        "Redis:ConnectionString" => "Marketplace:Backplane is Redis",
        _ => "the environment is not Development (there is no generated development key): set Marketplace__Jwt__SigningKey "
            + "to a random secret of at least 32 bytes (e.g. the output of `openssl rand -base64 48`), the same on every replica, "
            + "or run with ASPNETCORE_ENVIRONMENT=Development",
    };
}

/// <summary>A setting is missing or invalid; the message names each key and what it must be.</summary>
public sealed class InvalidConfigurationException(string message) : Exception(message);
