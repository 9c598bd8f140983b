using Lucene.Net.Analysis;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Highlight;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Marks matched terms with &lt;em&gt; in title, summary and description. Text is HTML-encoded first, so the
/// fragments are safe to render as markup. Stored text is re-analysed without synonyms: the expanded query
/// already names every synonym's terms. Two shortcuts, neither changing the output: a field none of whose
/// possible matches occurs in it is skipped without analysis, and segmentations are reused (<see cref="SegmentedText"/>).
/// </summary>
internal sealed class LuceneHighlighter
{
    private readonly Highlighter _title;
    private readonly Highlighter _summary;
    private readonly Highlighter _description;
    private readonly SegmentedText _segmented;
    private readonly string[] _substrings;
    private readonly bool _mayMatchAnywhere;

    public LuceneHighlighter(Query textQuery, SegmentedText segmented)
    {
        _segmented = segmented;
        _title = Create(textQuery, LuceneFields.Title, whole: true);
        _summary = Create(textQuery, LuceneFields.Summary, whole: true);
        _description = Create(textQuery, LuceneFields.Description, whole: false);
        var terms = new HashSet<Term>();
        textQuery.ExtractTerms(terms);
        var texts = terms.Select(t => t.Text).Distinct(StringComparer.Ordinal).ToArray();
        // A token of the segmenter is the very characters of the text, except that it lower-cases, stems and
        // folds full-width letters and digits: only terms made of ideographs alone are safe to look for verbatim.
        _mayMatchAnywhere = texts.Any(t => !IsIdeographs(t));
        _substrings = texts;
    }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Highlight(string title, string summary, string description)
    {
        var highlights = new Dictionary<string, IReadOnlyList<string>>();
        Add(highlights, LuceneFields.Title, _title, title, 1);
        Add(highlights, LuceneFields.Summary, _summary, summary, 1);
        Add(highlights, LuceneFields.Description, _description, description, 2);
        return highlights;
    }

    private void Add(Dictionary<string, IReadOnlyList<string>> into, string field, Highlighter highlighter, string text, int fragments)
    {
        if (string.IsNullOrEmpty(text) || !MayMatch(text)) return;
        using var tokens = _segmented.Tokens(text);
        var best = highlighter.GetBestFragments(tokens, text, fragments);
        List<string>? found = null;
        foreach (var fragment in best)
            if (fragment.Contains("<em>", StringComparison.Ordinal)) (found ??= []).Add(fragment);
        if (found is not null) into[field] = found;
    }

    /// <summary>False only when no query term can be a token of <paramref name="text"/> (then nothing would be marked).</summary>
    private bool MayMatch(string text)
    {
        if (_mayMatchAnywhere) return true;
        foreach (var term in _substrings)
            if (text.Contains(term, StringComparison.Ordinal)) return true;
        return false;
    }

    private static bool IsIdeographs(string term)
    {
        if (term.Length == 0) return false;
        foreach (var ch in term)
            if (ch is not ((>= '\u3400' and <= '\u4DBF') or (>= '\u4E00' and <= '\u9FFF') or (>= '\uF900' and <= '\uFAFF'))) return false;
        return true;
    }

    private static Highlighter Create(Query query, string field, bool whole) =>
        new(new SimpleHTMLFormatter("<em>", "</em>"), new HtmlEscapingEncoder(), new QueryScorer(query, field))
        {
            TextFragmenter = whole ? new NullFragmenter() : new SimpleFragmenter(80),
        };
}
