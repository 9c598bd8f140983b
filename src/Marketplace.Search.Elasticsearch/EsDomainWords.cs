using Marketplace.Core.Search;

namespace Marketplace.Search.Elasticsearch;

/// <summary>
/// The domain words of <see cref="SearchWords"/> for a query. smartcn has no user dictionary: it splits 非遗 into 非 + 遗
/// (matching any text holding both characters) and 非遗传承人 into 非 + 遗传 + 承 + 人 (so 非遗 would miss it). A listed
/// word found in the query text is therefore taken out of the smartcn-analysed part and required as a phrase on the
/// fields' character-bigram subfields (<c>*.bigram</c>, <c>cjk_bigram</c>): 非遗 then matches 非遗传承人 but not 非常…遗址.
/// A word's synonym group (<see cref="SearchSynonyms"/>) travels with it as alternative phrases, and a query holding one of
/// its synonyms (非物质文化遗产) is read the same way, so both directions find both spellings.
/// </summary>
internal sealed class EsDomainWords
{
    private readonly Dictionary<string, string[]> _alternatives = new(StringComparer.OrdinalIgnoreCase);
    private readonly int _longest;

    public EsDomainWords(SearchWords words, SearchSynonyms synonyms)
    {
        foreach (var word in words.Words.Select(w => w.Trim()).Where(w => w.Length > 1))
        {
            var group = synonyms.Groups.Where(g => g.Contains(word, StringComparer.OrdinalIgnoreCase)).SelectMany(g => g).Select(w => w.Trim());
            string[] alternatives = [.. new[] { word }.Concat(group).Where(w => w.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)];
            foreach (var spelling in alternatives)
                _alternatives.TryAdd(spelling, alternatives);
        }
        _longest = _alternatives.Count == 0 ? 0 : _alternatives.Keys.Max(k => k.Length);
    }

    /// <summary>
    /// The query text without the listed words it holds (each replaced by a space), and for each word found its
    /// alternative spellings. Leftmost, longest first; a word found twice counts once.
    /// </summary>
    public (string Remainder, IReadOnlyList<string[]> Phrases) Split(string text)
    {
        if (_longest == 0) return (text, []);
        var rest = new System.Text.StringBuilder(text.Length);
        var phrases = new List<string[]>();
        var lookup = _alternatives.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var i = 0; i < text.Length;)
        {
            var length = Math.Min(_longest, text.Length - i);
            for (; length > 1; length--)
            {
                if (!lookup.TryGetValue(text.AsSpan(i, length), out var alternatives)) continue;
                if (!phrases.Contains(alternatives)) phrases.Add(alternatives);
                rest.Append(' ');
                break;
            }
            if (length > 1)
            {
                i += length;
            }
            else
            {
                rest.Append(text[i]);
                i++;
            }
        }
        return (rest.ToString(), phrases);
    }
}
