namespace Marketplace.Search.Lucene;

/// <summary>Field names of the Lucene document; one place so writer, query and collector agree.</summary>
internal static class LuceneFields
{
    public const string Id = "id";
    public const string Version = "version";
    public const string Source = "source";

    /// <summary>Stored tokens of title, summary and description (<see cref="StoredSegmentation"/>).</summary>
    public const string Segmentation = "segmentation";

    /// <summary>The title alone, indexed again so a term found in the title scores higher.</summary>
    public const string Title = "title";

    /// <summary>Every searched text in one field: title, summary, description, provider name and tags.</summary>
    public const string AllText = "text";

    /// <summary>Names of the highlighted stored texts (keys of a hit's highlights; no indexed field of these names).</summary>
    public const string Summary = "summary";
    public const string Description = "description";

    /// <summary>How much a term found in the title adds on top of its score in <see cref="AllText"/>.</summary>
    public const float TitleBoost = 2f;

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

    public static readonly string[] Keywords = [Id, Category, Mode, Grade, District];
}
