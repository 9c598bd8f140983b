using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Search;

/// <summary>
/// The search parameters exactly as a client sent them: query-string names, each with every value given for it (a
/// parameter repeated in the query string has several). Only <c>weekday</c> is multi-valued; any other repeated one is refused.
/// </summary>
public sealed record SearchParameters(IReadOnlyDictionary<string, IReadOnlyList<string>> Parameters)
{
    /// <summary>The parameter's value, "" when absent; for a repeated one the first (it is refused anyway).</summary>
    public string this[string name] => Parameters.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : "";

    public bool Has(string name) => Parameters.ContainsKey(name);
}

/// <summary>
/// Searches offerings: validates every parameter (each bad one named in the 400 answer), resolves what needs the store
/// (a signed-in school's own location, known districts), then asks the index.
/// </summary>
public sealed class SearchQueries(IOfferingIndex index, IMarketplaceStore store, TimeProvider clock)
{
    public const int MaxPageSize = 100;

    private static readonly HashSet<string> Known = new(
        ["q", "category", "mode", "grade", "district", "lat", "lon", "radiusKm", "from", "to", "maxPrice", "available", "sort", "page", "pageSize",
            "weekday", "startAfter", "endBefore", "fitsPlan"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>The one parameter that may be repeated (<c>weekday=2&amp;weekday=4</c>).</summary>
    private const string Weekday = "weekday";

    public async Task<(OfferingQuery Query, SearchResult Result)> SearchAsync(Caller? caller, SearchParameters request, CancellationToken ct = default)
    {
        var query = await ParseAsync(request, caller, ct);
        return (query, await index.SearchAsync(query, ct));
    }

    private async Task<OfferingQuery> ParseAsync(SearchParameters q, Caller? caller, CancellationToken ct)
    {
        var v = new Validator();
        foreach (var (key, values) in q.Parameters)
        {
            if (!Known.Contains(key)) v.Add(key, new("query.unknown-parameter"));
            else if (values.Count > 1 && !string.Equals(key, Weekday, StringComparison.OrdinalIgnoreCase)) v.Add(key, new("query.repeated-parameter"));
        }

        var text = q["q"].Trim();
        v.Require(text.Length <= 100, "q", new("validation.max-length", 100));
        var category = Enum<Category>(q, "category", v);
        var mode = Enum<DeliveryMode>(q, "mode", v);
        var sort = Enum<SearchSort>(q, "sort", v) ?? SearchSort.Relevance;
        var grade = Number(q, "grade", 1, 9, v);
        var page = Number(q, "page", 1, 10_000, v) ?? 1;
        var pageSize = Number(q, "pageSize", 1, MaxPageSize, v) ?? 20;
        var maxPrice = Number(q, "maxPrice", 0, 10_000_000, v);
        var lat = Real(q, "lat", -90, 90, v);
        var lon = Real(q, "lon", -180, 180, v);
        var radius = Real(q, "radiusKm", 0.1, 500, v);
        var from = Time(q, "from", endOfDay: false, v);
        var to = Time(q, "to", endOfDay: true, v);
        if (from is not null && to is not null && from >= to) v.Add("to", new("query.to-after-from"));
        var district = q["district"];
        bool available = false;
        if (q.Has("available") && !bool.TryParse(q["available"], out available)) v.Add("available", new("query.boolean"));
        if ((lat is null) != (lon is null)) v.Add(lat is null ? "lat" : "lon", new UserMessage("query.lat-lon-together"));
        var weekdays = Weekdays(q, v);
        var startAfter = MinuteOfDay(q, "startAfter", v);
        var endBefore = MinuteOfDay(q, "endBefore", v);
        if (startAfter is not null && endBefore is not null && startAfter >= endBefore) v.Add("endBefore", new("query.end-before-after-start"));
        bool fitsPlan = false;
        if (q.Has("fitsPlan") && !bool.TryParse(q["fitsPlan"], out fitsPlan)) v.Add("fitsPlan", new("query.boolean"));
        if (fitsPlan && caller is not { Role: Role.School }) v.Add("fitsPlan", new("query.fits-plan-school"));

        GeoPoint? near = lat is not null && lon is not null ? new GeoPoint(lat.Value, lon.Value) : null;
        // A school searches what its district's schools may see (DistrictReach); everyone else the whole public catalogue.
        var school = caller is { Role: Role.School } ? await store.FindAsync<School>(caller.OrganizationId, ct) : null;
        if (near is null && school is not null && (radius is not null || sort == SearchSort.Distance))
            near = new GeoPoint(school.Lat, school.Lon);
        if (radius is not null && near is null) v.Add("radiusKm", new("query.radius-needs-point"));
        if (sort == SearchSort.Distance && near is null) v.Add("sort", new("query.distance-needs-point"));
        // Around its own school (no lat/lon of its own): a provider coming to the school's district is within any radius.
        var comesTo = school is not null && lat is null && near is not null ? school.DistrictCode : null;
        if (district.Length > 0 && !(await store.ListDistrictsAsync(ct)).Any(d => d.Code == district)) v.Add("district", new("query.unknown-district"));
        IReadOnlyList<SessionWindow>? windows = null;
        if (fitsPlan && caller is { Role: Role.School } && v.IsValid)
        {
            var semester = Semester.Of(from ?? clock.GetUtcNow());
            var plan = await store.FindSchoolPlanAsync(caller.OrganizationId, semester.Name, ct);
            if (plan is not { Windows.Count: > 0 }) v.Add("fitsPlan", new("query.fits-plan-no-plan", semester.Name));
            else
            {
                windows = Narrow(plan.Windows, weekdays, startAfter, endBefore);
                // Without dates the plan's semester is the range; a date given on one side only keeps the semester's other bound.
                (from, to) = (from ?? semester.Start, to ?? semester.End);
                if (from >= to) v.Add("to", new("query.to-after-from"));
            }
        }
        else if (weekdays is not null || startAfter is not null || endBefore is not null)
        {
            windows = [.. (weekdays ?? [null]).Select(day => new SessionWindow(day, startAfter ?? 0, endBefore ?? SessionWindow.OpenEnd))];
        }
        v.ThrowIfInvalid();

        return new OfferingQuery(text.Length == 0 ? null : text, category, mode, grade, district.Length == 0 ? null : district, near, radius,
            from, to, maxPrice, available, sort, page, pageSize, clock.GetUtcNow(),
            // A school caller without its school document sees nothing rather than everything ("" is no district).
            VisibleIn: caller is { Role: Role.School } ? school?.DistrictCode ?? "" : null)
        {
            Windows = windows,
            ComesTo = comesTo,
        };
    }

    /// <summary>The plan's windows, each cut to the weekdays and times asked for; those left empty are dropped (then nothing fits).</summary>
    private static SessionWindow[] Narrow(IReadOnlyList<PlanWindow> plan, IReadOnlyList<DayOfWeek?>? weekdays, int? startAfter, int? endBefore) =>
    [
        .. plan.Where(w => weekdays is null || weekdays.Contains(w.DayOfWeek))
            .Select(w => new SessionWindow(w.DayOfWeek, Math.Max(Minutes(w.Start), startAfter ?? 0), Math.Min(Minutes(w.End), endBefore ?? SessionWindow.OpenEnd)))
            .Where(w => w.StartMinute < w.EndMinute),
    ];

    private static int Minutes(TimeOnly time) => time.Hour * 60 + time.Minute;

    /// <summary>ISO weekdays, 1 (Monday) to 7 (Sunday), the parameter repeated for several; null when absent.</summary>
    private static IReadOnlyList<DayOfWeek?>? Weekdays(SearchParameters q, Validator v)
    {
        if (!q.Parameters.TryGetValue(Weekday, out var values) || values.Count == 0) return null;
        var days = new List<DayOfWeek?>();
        foreach (var raw in values)
        {
            if (raw.Length == 1 && raw[0] is >= '1' and <= '7') days.Add((DayOfWeek)((raw[0] - '0') % 7));
            else
            {
                v.Add(Weekday, new("query.weekday"));
                return null;
            }
        }
        return [.. days.Distinct()];
    }

    /// <summary>A Beijing time of day, <c>HH:mm</c> (00:00–24:00), as minutes after midnight.</summary>
    private static int? MinuteOfDay(SearchParameters q, string key, Validator v)
    {
        var raw = q[key];
        if (raw.Length == 0) return null;
        if (raw == "24:00") return 24 * 60;
        if (raw.Length == 5 && TimeOnly.TryParseExact(raw, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var time))
            return time.Hour * 60 + time.Minute;
        v.Add(key, new("query.time-of-day"));
        return null;
    }

    /// <summary>
    /// A defined name, in any case — never a number or a comma list: Enum.TryParse reads "Arts,Sports" as the flags
    /// Arts | Sports, which is the value of Reading.
    /// </summary>
    private static T? Enum<T>(SearchParameters q, string key, Validator v) where T : struct, System.Enum
    {
        var raw = q[key];
        if (raw.Length == 0) return null;
        var names = System.Enum.GetNames<T>();
        if (names.FirstOrDefault(n => string.Equals(n, raw, StringComparison.OrdinalIgnoreCase)) is { } name) return System.Enum.Parse<T>(name);
        v.Add(key, new("validation.one-of", (object)names));
        return null;
    }

    private static int? Number(SearchParameters q, string key, int min, int max, Validator v)
    {
        var raw = q[key];
        if (raw.Length == 0) return null;
        if (int.TryParse(raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
        v.Add(key, new("query.integer-range", min, max));
        return null;
    }

    private static double? Real(SearchParameters q, string key, double min, double max, Validator v)
    {
        var raw = q[key];
        if (raw.Length == 0) return null;
        if (double.TryParse(raw, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n)
            && double.IsFinite(n) && n >= min && n <= max) return n;
        v.Add(key, new("query.number-range", min, max));
        return null;
    }

    /// <summary>
    /// A date or an ISO-8601 instant (without an offset: Beijing time). A date is a whole Asia/Shanghai day: <c>from</c>
    /// its midnight, <c>to</c> the midnight after it, so <c>from=2026-09-01&amp;to=2026-09-01</c> is that one day.
    /// </summary>
    private static DateTimeOffset? Time(SearchParameters q, string key, bool endOfDay, Validator v)
    {
        var raw = q[key];
        if (raw.Length == 0) return null;
        if (DateOnly.TryParseExact(raw, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date) && ChinaTime.Supports(date))
            return ChinaTime.FromLocal(endOfDay ? date.AddDays(1) : date, TimeOnly.MinValue);
        if (ChinaTime.TryParseInstant(raw, out var at)) return at;
        v.Add(key, new("query.date-or-time"));
        return null;
    }
}
