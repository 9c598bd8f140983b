using Lucene.Net.Analysis;
using Lucene.Net.Search;
using Lucene.Net.Search.Highlight;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Marks matched terms with &lt;em&gt; in title, summary and description. Text is HTML-encoded first, so the
/// fragments are safe to render as markup. Stored text is re-analysed without synonyms: the expanded query
/// already names every synonym's terms.
/// </summary>
internal sealed class LuceneHighlighter(Query textQuery, Analyzer plain)
{
    private readonly Highlighter _title = Create(textQuery, LuceneFields.Title, whole: true);
    private readonly Highlighter _summary = Create(textQuery, LuceneFields.Summary, whole: true);
    private readonly Highlighter _description = Create(textQuery, LuceneFields.Description, whole: false);

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
        if (string.IsNullOrEmpty(text)) return;
        using var tokens = plain.GetTokenStream(field, text);
        var found = highlighter.GetBestFragments(tokens, text, fragments).Where(f => f.Contains("<em>", StringComparison.Ordinal)).ToList();
        if (found.Count > 0) into[field] = found;
    }

    private static Highlighter Create(Query query, string field, bool whole) =>
        new(new SimpleHTMLFormatter("<em>", "</em>"), new HtmlEscapingEncoder(), new QueryScorer(query, field))
        {
            TextFragmenter = whole ? new NullFragmenter() : new SimpleFragmenter(80),
        };
}
