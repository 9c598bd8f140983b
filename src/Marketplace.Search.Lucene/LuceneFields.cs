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

    /// <summary>Doc values read into <see cref="SegmentColumns"/> (category, mode, districts, price, venue).</summary>
    public const string Category = "category";
    public const string Mode = "mode";
    public const string District = "district";
    public const string PriceFen = "priceFen";
    public const string Lat = "lat";
    public const string Lon = "lon";

    /// <summary>The districts whose schools may see the offering (<c>OfferingDocument.VisibleIn</c>): a school's search filter.</summary>
    public const string VisibleIn = "visible_in";

    /// <summary>Indexed grade terms (their postings become the grade bit sets).</summary>
    public const string Grade = "grade";

    /// <summary>UTC ticks of starts of sessions with free seats, indexed (their terms give each document's last open start).</summary>
    public const string OpenSessionStart = "openSessionStart";

    /// <summary>Sorted session start ticks packed as binary doc values (date filter, next session, soonest sort).</summary>
    public const string SessionStarts = "sessionStarts";

    /// <summary>The end ticks of the same sessions, in the same order as <see cref="SessionStarts"/> (window filter).</summary>
    public const string SessionEnds = "sessionEnds";

    /// <summary>One byte per session, in the same order: 1 when it has free seats (a session's own availability, for windows).</summary>
    public const string SessionOpen = "sessionOpen";

    /// <summary>The districts it serves on campus (<c>OfferingDocument.CampusDistricts</c>): a school's radius includes them.</summary>
    public const string CampusDistrict = "campus_district";

    /// <summary>Indexed untokenised fields.</summary>
    public static readonly string[] Keywords = [Id, Grade];
}
