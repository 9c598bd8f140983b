using System.Text;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Marks the query's terms with &lt;em&gt; in a hit's title, summary (whole) and description (the best two fragments
/// of about 80 characters), from the segmentation stored with the document: no re-analysis at query time. The output
/// is what Lucene's Highlighter gives with a QueryScorer, SimpleHTMLFormatter, an HTML-escaping encoder and a
/// NullFragmenter (whole texts) or SimpleFragmenter(80) (description) — a test compares the two on many texts.
/// Text is HTML-escaped, so fragments are safe to render as markup.
/// A synonym alternative of several terms (非遗 ⇒ 非物质文化遗产) is a phrase: its terms are marked only where they
/// stand together, so 非遗 does not light up every 文化 of a text.
/// </summary>
internal sealed class TermHighlighter
{
    private const int FragmentSize = 80;
    private const int DescriptionFragments = 2;

    private readonly HashSet<string> _terms;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly string[][] _phrases;

    public TermHighlighter(IEnumerable<string> terms, IEnumerable<string[]>? phrases = null)
    {
        _terms = new HashSet<string>(terms, StringComparer.Ordinal);
        _lookup = _terms.GetAlternateLookup<ReadOnlySpan<char>>();
        _phrases = [.. (phrases ?? []).Where(p => p.Length > 1)];
    }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Highlight(StoredOffering stored)
    {
        var highlights = new Dictionary<string, IReadOnlyList<string>>();
        var offering = stored.Offering;
        Add(highlights, LuceneFields.Title, offering.Title, stored.Title, fragmentSize: null, 1);
        Add(highlights, LuceneFields.Summary, offering.Summary, stored.Summary, fragmentSize: null, 1);
        Add(highlights, LuceneFields.Description, offering.Description, stored.Description, FragmentSize, DescriptionFragments);
        return highlights;
    }

    /// <summary>The fragments of <paramref name="text"/> with a marked term, best first (as Highlighter.GetBestFragments).</summary>
    public List<string> Fragments(string text, IReadOnlyList<TextToken> tokens, int? fragmentSize, int maxFragments)
    {
        var found = new List<string>();
        if (string.IsNullOrEmpty(text)) return found;
        var hits = Hits(text, tokens);
        if (hits is null) return found;

        var marked = new StringBuilder(text.Length + 32);
        var fragments = new List<Fragment>();
        var current = new Fragment(0, fragments.Count);
        fragments.Add(current);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lastEnd = 0;
        var fragmentsStarted = 1;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.End > text.Length) break; // stored for another text (cannot happen for a consistent document)
            // Lucene's SimpleFragmenter starts a new fragment at the first token ending at or beyond size × fragments so far;
            // the gap before that token goes with the new fragment.
            if (i > 0 && fragmentSize is { } size && token.End >= size * fragmentsStarted)
            {
                fragmentsStarted++;
                current.End = marked.Length;
                current = new Fragment(marked.Length, fragments.Count);
                fragments.Add(current);
                seen.Clear();
            }
            var hit = hits[i];
            if (hit && seen.Add(token.Term ?? text[token.Start..token.End])) current.Score++;
            if (token.Start > lastEnd) Escape(marked, text.AsSpan(lastEnd, token.Start - lastEnd));
            if (hit) marked.Append("<em>");
            Escape(marked, text.AsSpan(token.Start, token.End - token.Start));
            if (hit) marked.Append("</em>");
            lastEnd = Math.Max(lastEnd, token.End);
        }
        if (lastEnd < text.Length) Escape(marked, text.AsSpan(lastEnd));
        current.End = marked.Length;

        var best = fragments.OrderByDescending(f => f.Score).ThenBy(f => f.Number).Take(Math.Max(1, maxFragments)).ToArray();
        MergeContiguous(best);
        var output = marked.ToString();
        foreach (var fragment in best)
        {
            if (fragment is null || fragment.Score <= 0) continue;
            var piece = output[fragment.Start..fragment.End];
            if (piece.Contains("<em>", StringComparison.Ordinal)) found.Add(piece);
        }
        return found;
    }

    private void Add(Dictionary<string, IReadOnlyList<string>> into, string field, string text, IReadOnlyList<TextToken> tokens, int? fragmentSize, int maxFragments)
    {
        var found = Fragments(text, tokens, fragmentSize, maxFragments);
        if (found.Count > 0) into[field] = found;
    }

    /// <summary>The query term a token is, or null.</summary>
    private string? Term(string text, TextToken token)
    {
        if (token.Term is { } term) return _terms.TryGetValue(term, out var actual) ? actual : null;
        return _lookup.TryGetValue(text.AsSpan(token.Start, token.End - token.Start), out var same) ? same : null;
    }

    /// <summary>Which tokens to mark: a query term, or a token of a phrase found there whole; null when none is.</summary>
    private bool[]? Hits(string text, IReadOnlyList<TextToken> tokens)
    {
        bool[]? hits = null;
        for (var i = 0; i < tokens.Count && tokens[i].End <= text.Length; i++)
        {
            if (Term(text, tokens[i]) is not null) (hits ??= new bool[tokens.Count])[i] = true;
            foreach (var phrase in _phrases)
            {
                if (i + phrase.Length > tokens.Count) continue;
                var whole = true;
                for (var k = 0; k < phrase.Length && whole; k++)
                {
                    var token = tokens[i + k];
                    whole = token.End <= text.Length && (token.Term is { } t ? t == phrase[k] : text.AsSpan(token.Start, token.End - token.Start).SequenceEqual(phrase[k]));
                }
                if (!whole) continue;
                hits ??= new bool[tokens.Count];
                for (var k = 0; k < phrase.Length; k++) hits[i + k] = true;
            }
        }
        return hits;
    }

    /// <summary>Highlighter.MergeContiguousFragments: a fragment that follows another in the text is joined to it (best score kept).</summary>
    private static void MergeContiguous(Fragment?[] fragments)
    {
        if (fragments.Length < 2) return;
        bool merged;
        do
        {
            merged = false;
            for (var i = 0; i < fragments.Length; i++)
            {
                if (fragments[i] is null) continue;
                for (var x = 0; x < fragments.Length; x++)
                {
                    if (fragments[x] is null) continue;
                    if (fragments[i] is null) break;
                    int first, second;
                    if (fragments[i]!.Start == fragments[x]!.End) (first, second) = (x, i);
                    else if (fragments[x]!.Start == fragments[i]!.End) (first, second) = (i, x);
                    else continue;
                    var (best, worst) = fragments[first]!.Score > fragments[second]!.Score ? (first, second) : (second, first);
                    var joined = fragments[first]!;
                    joined.End = fragments[second]!.End;
                    joined.Score = Math.Max(joined.Score, fragments[second]!.Score);
                    fragments[worst] = null;
                    fragments[best] = joined;
                    merged = true;
                }
            }
        } while (merged);
    }

    /// <summary>Escapes markup characters only (as Lucene 10's SimpleHTMLEncoder and Elasticsearch's <c>encoder: html</c>).</summary>
    private static void Escape(StringBuilder into, ReadOnlySpan<char> text)
    {
        foreach (var ch in text)
        {
            switch (ch)
            {
                case '"': into.Append("&quot;"); break;
                case '&': into.Append("&amp;"); break;
                case '<': into.Append("&lt;"); break;
                case '>': into.Append("&gt;"); break;
                case '\'': into.Append("&#x27;"); break;
                case '/': into.Append("&#x2F;"); break;
                default: into.Append(ch); break;
            }
        }
    }

    private sealed class Fragment(int start, int number)
    {
        public int Start { get; } = start;
        public int Number { get; } = number;
        public int End { get; set; }
        public int Score { get; set; }
    }
}
