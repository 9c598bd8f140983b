using Marketplace.Core.Search;

namespace Marketplace.Search.Lucene;

/// <summary>
/// What an on-disk generation was written with. Raise <see cref="Version"/> whenever the document mapping changes;
/// the synonyms are part of it because they are injected at index time. A generation of another schema is rebuilt.
/// </summary>
public static class IndexSchema
{
    /// <summary>2: one combined searched-text field plus the title (was: five text fields with positions); segmentation stored for highlighting.</summary>
    public const int Version = 2;

    public static string Stamp(SearchSynonyms synonyms) =>
        $"offerings mapping v{Version}\nsynonyms: " + string.Join(" | ", synonyms.Groups.Select(group => string.Join(",", group)));

    /// <summary>Whether <paramref name="directory"/> holds a live generation of this schema (else the host rebuilds it from the store).</summary>
    public static bool HasCurrentIndex(string directory, SearchSynonyms synonyms) =>
        new IndexFolder(directory, Stamp(synonyms)).Current() is not null;
}
