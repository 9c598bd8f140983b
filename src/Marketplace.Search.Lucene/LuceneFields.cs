namespace Marketplace.Search.Lucene;

/// <summary>Field names of the Lucene document; one place so writer, query and collector agree.</summary>
internal static class LuceneFields
{
    public const string Id = "id";
    public const string Version = "version";
    public const string Source = "source";

    public const string Title = "title";
    public const string Summary = "summary";
    public const string Description = "description";
    public const string ProviderName = "providerName";
    public const string Tags = "tags";

    public const string Category = "category";
    public const string Mode = "mode";
    public const string Grade = "grade";
    public const string District = "district";
    public const string PriceFen = "priceFen";
    public const string Lat = "lat";
    public const string Lon = "lon";

    /// <summary>UTC ticks of every session start (multi-valued numeric, for the From/To filter).</summary>
    public const string SessionStart = "sessionStart";

    /// <summary>UTC ticks of starts of sessions with free seats (for AvailableOnly).</summary>
    public const string OpenSessionStart = "openSessionStart";

    /// <summary>Sorted session start ticks packed as binary doc values (for the Soonest sort).</summary>
    public const string SessionStarts = "sessionStarts";

    /// <summary>Text fields searched, with the query-time boost of each.</summary>
    public static readonly (string Field, float Boost)[] Text =
        [(Title, 3f), (Summary, 1f), (Description, 1f), (ProviderName, 1f), (Tags, 1f)];

    public static readonly string[] Keywords = [Id, Category, Mode, Grade, District];
}
