using Lucene.Net.Analysis.Synonym;
using Lucene.Net.Analysis;
using Lucene.Net.Util;
using Marketplace.Core.Search;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Synonym groups in segmented form (程序设计 → 程序 设计), used twice: as a SynonymMap for the index
/// analyzer, and to expand the user's terms into alternatives at query time.
/// </summary>
internal sealed class SynonymTable
{
    private readonly List<string[][]> _groups;

    private SynonymTable(List<string[][]> groups) => _groups = groups;

    public static SynonymTable Build(SearchSynonyms synonyms, Analyzer plain) => new(
        synonyms.Groups
            .Select(g => g.Select(phrase => TokenText.Tokens(plain, LuceneFields.Title, phrase).ToArray()).Where(t => t.Length > 0).ToArray())
            .Where(g => g.Length > 1)
            .ToList());

    public SynonymMap? ToMap()
    {
        if (_groups.Count == 0) return null;
        var builder = new SynonymMap.Builder(dedup: true);
        foreach (var group in _groups)
            foreach (var from in group)
                foreach (var to in group.Where(t => t != from))
                    builder.Add(SynonymMap.Builder.Join(from, new CharsRef()), SynonymMap.Builder.Join(to, new CharsRef()), includeOrig: true);
        return builder.Build();
    }

    /// <summary>
    /// Groups the query terms into clauses that must all match; a clause is a set of alternatives
    /// (each a term sequence), more than one where a synonym phrase starts at that term (longest match wins).
    /// </summary>
    public List<List<string[]>> Expand(IReadOnlyList<string> terms)
    {
        var clauses = new List<List<string[]>>();
        for (var i = 0; i < terms.Count;)
        {
            var (group, length) = LongestMatchAt(terms, i);
            clauses.Add(group is null ? [[terms[i]]] : [.. group]);
            i += length;
        }
        return clauses;
    }

    private (string[][]? Group, int Length) LongestMatchAt(IReadOnlyList<string> terms, int start)
    {
        (string[][]? Group, int Length) best = (null, 1);
        foreach (var group in _groups)
            foreach (var phrase in group)
                if ((best.Group is null || phrase.Length > best.Length) && Matches(terms, start, phrase))
                    best = (group, phrase.Length);
        return best;
    }

    private static bool Matches(IReadOnlyList<string> terms, int start, string[] phrase)
    {
        if (start + phrase.Length > terms.Count) return false;
        for (var k = 0; k < phrase.Length; k++)
            if (!string.Equals(terms[start + k], phrase[k], StringComparison.OrdinalIgnoreCase)) return false;
        return true;
    }
}
