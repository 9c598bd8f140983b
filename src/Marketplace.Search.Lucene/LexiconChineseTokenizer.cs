using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cn.Smart;
using Lucene.Net.Analysis.TokenAttributes;

namespace Marketplace.Search.Lucene;

/// <summary>
/// SmartCn's HMM segmentation, corrected by a lexicon of domain words its dictionary lacks (<see cref="Core.Search.SearchWords"/>).
/// A lexicon word in the text becomes one token when at least one of its ends falls between the segmenter's own tokens:
/// 非遗传承 (segmented 非 + 遗传 + 承) gives 非遗 + 传承, while 快乐高效 (快乐 + 高效) keeps its words although it contains
/// 乐高, and 是非遗留 (是非 + 遗留) keeps its words although it contains 非遗. Text between accepted words keeps the
/// segmenter's tokens where no word cut one, and is segmented again on its own where one did.
/// </summary>
internal sealed class LexiconChineseTokenizer : Tokenizer
{
    private readonly Lexicon _lexicon;
    private readonly HMMChineseTokenizer _segmenter = new(TextReader.Null);
    private readonly ICharTermAttribute _segmenterTerm;
    private readonly IOffsetAttribute _segmenterOffset;
    private readonly ICharTermAttribute _term;
    private readonly IOffsetAttribute _offset;
    private readonly ITypeAttribute _type;
    private readonly List<(int Start, int End, string Term)> _tokens = [];
    private readonly System.Text.StringBuilder _text = new();
    private readonly char[] _buffer = new char[1024];
    private int _next;
    private int _length;

    public LexiconChineseTokenizer(TextReader input, Lexicon lexicon) : base(input)
    {
        _lexicon = lexicon;
        _segmenterTerm = _segmenter.AddAttribute<ICharTermAttribute>();
        _segmenterOffset = _segmenter.AddAttribute<IOffsetAttribute>();
        _term = AddAttribute<ICharTermAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
        _type = AddAttribute<ITypeAttribute>();
    }

    public override void Reset()
    {
        base.Reset();
        var text = ReadAll(m_input, _text, _buffer);
        _length = text.Length;
        _next = 0;
        _tokens.Clear();
        var segmented = Segment(text, 0, text.Length);
        if (!_lexicon.Occurs(text))
        {
            _tokens.AddRange(segmented);
            return;
        }

        // inside[i]: position i lies strictly within one of the segmenter's tokens.
        var inside = new bool[text.Length + 1];
        foreach (var (start, end, _) in segmented)
            for (var i = start + 1; i < end; i++) inside[i] = true;

        var position = 0;
        for (var i = 0; i < text.Length;)
        {
            var length = _lexicon.AcceptedAt(text, i, inside);
            if (length == 0) { i++; continue; }
            AddBetween(text, segmented, inside, position, i);
            _tokens.Add((i, i + length, text.Substring(i, length).ToLowerInvariant()));
            position = i += length;
        }
        AddBetween(text, segmented, inside, position, text.Length);
    }

    public override bool IncrementToken()
    {
        if (_next >= _tokens.Count) return false;
        ClearAttributes();
        var (start, end, term) = _tokens[_next++];
        _term.SetEmpty().Append(term);
        _offset.SetOffset(CorrectOffset(start), CorrectOffset(end));
        _type.Type = "word";
        return true;
    }

    public override void End()
    {
        base.End();
        var final = CorrectOffset(_length);
        _offset.SetOffset(final, final);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _segmenter.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Reads with Read(char[], …): the analyzer's reusable string reader implements no more than that.</summary>
    private static string ReadAll(TextReader reader, System.Text.StringBuilder text, char[] buffer)
    {
        text.Clear();
        for (int read; (read = reader.Read(buffer, 0, buffer.Length)) > 0;) text.Append(buffer, 0, read);
        return text.ToString();
    }

    /// <summary>The text from <paramref name="from"/> to <paramref name="to"/>: the segmenter's tokens when neither end cuts one, else segmented anew.</summary>
    private void AddBetween(string text, List<(int Start, int End, string Term)> segmented, bool[] inside, int from, int to)
    {
        if (from >= to) return;
        if (inside[from] || inside[to]) _tokens.AddRange(Segment(text, from, to));
        else _tokens.AddRange(segmented.Where(t => t.Start >= from && t.End <= to));
    }

    private List<(int Start, int End, string Term)> Segment(string text, int from, int to)
    {
        var tokens = new List<(int, int, string)>();
        _segmenter.SetReader(new StringReader(text.Substring(from, to - from)));
        _segmenter.Reset();
        while (_segmenter.IncrementToken())
            tokens.Add((from + _segmenterOffset.StartOffset, from + _segmenterOffset.EndOffset, _segmenterTerm.ToString()));
        _segmenter.End();
        _segmenter.Dispose(); // Lucene's close(): the tokenizer takes the next reader
        return tokens;
    }
}

/// <summary>The words of <see cref="Core.Search.SearchWords"/>, matched case-insensitively, longest first.</summary>
internal sealed class Lexicon
{
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _words;
    private readonly HashSet<char> _firstChars;
    private readonly int _longest;

    public Lexicon(IEnumerable<string> words)
    {
        var set = new HashSet<string>(words.Select(w => w.Trim()).Where(w => w.Length > 1), StringComparer.OrdinalIgnoreCase);
        _words = set.GetAlternateLookup<ReadOnlySpan<char>>();
        _firstChars = [.. set.SelectMany(w => new[] { char.ToLowerInvariant(w[0]), char.ToUpperInvariant(w[0]) })];
        _longest = set.Count == 0 ? 0 : set.Max(w => w.Length);
        Count = set.Count;
    }

    public int Count { get; }

    public bool Occurs(string text)
    {
        for (var i = 0; i < text.Length; i++)
            if (_firstChars.Contains(text[i]) && LongestAt(text, i, i + _longest) > 0) return true;
        return false;
    }

    /// <summary>
    /// The length of the longest word at <paramref name="start"/> with at least one end outside the segmenter's tokens
    /// (<paramref name="inside"/>), or 0.
    /// </summary>
    public int AcceptedAt(string text, int start, bool[] inside)
    {
        if (!_firstChars.Contains(text[start])) return 0;
        for (var limit = start + _longest; ;)
        {
            var length = LongestAt(text, start, limit);
            if (length == 0) return 0;
            if (!inside[start] || !inside[start + length]) return length;
            limit = start + length - 1;
        }
    }

    private int LongestAt(string text, int start, int limit)
    {
        for (var length = Math.Min(limit, text.Length) - start; length > 1; length--)
            if (_words.Contains(text.AsSpan(start, length))) return length;
        return 0;
    }
}
