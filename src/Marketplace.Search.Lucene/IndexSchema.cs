using Marketplace.Core.Search;

namespace Marketplace.Search.Lucene;

/// <summary>
/// What an on-disk generation was written with. Raise <see cref="Version"/> whenever the document mapping changes;
/// the synonyms and the kept words are part of it because they shape the indexed terms. A generation of another
/// schema is rebuilt.
/// </summary>
public static class IndexSchema
{
    /// <summary>
    /// 2: one combined searched-text field plus the title (was: five text fields with positions); segmentation stored
    /// for highlighting. 3: the segmentation keeps <see cref="SearchWords"/> whole. 4: <c>visible_in</c>, the districts whose
    /// schools may see the offering. 5: <c>sessionEnds</c> (session windows) and <c>campus_district</c> (radius for 请进来).
    /// </summary>
    public const int Version = 5;

    public static string Stamp(SearchSynonyms synonyms, SearchWords words) =>
        $"offerings mapping v{Version}\nsynonyms: " + string.Join(" | ", synonyms.Groups.Select(group => string.Join(",", group))) +
        "\nwords: " + string.Join(",", words.Words);

    /// <summary>Whether <paramref name="directory"/> holds a live generation of this schema (else the host rebuilds it from the store).</summary>
    public static bool HasCurrentIndex(string directory, SearchSynonyms synonyms, SearchWords words) =>
        new IndexFolder(directory, Stamp(synonyms, words)).Current() is not null;
}
