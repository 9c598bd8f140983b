using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Synonym;
using Lucene.Net.Analysis.TokenAttributes;

namespace Marketplace.Search.Lucene;

/// <summary>A token of the segmenter: where it lies in the text and, when it differs from those characters, its term (lower-cased, stemmed).</summary>
internal readonly record struct TextToken(int Start, int End, string? Term);

/// <summary>
/// One text analysed once when its document is written: the index analyzer's tokens (segmentation + injected synonyms)
/// are replayed into the index fields, and the segmenter's own tokens (<see cref="Words"/>) are stored with the document
/// so that highlighting a hit never segments its text again.
/// </summary>
internal sealed class AnalyzedText
{
    private readonly List<(string Term, int Start, int End, int Increment)> _all = [];

    private AnalyzedText(string text) => Text = text;

    public string Text { get; }

    /// <summary>The segmenter's tokens in text order, without the injected synonyms.</summary>
    public List<TextToken> Words { get; } = [];

    public static AnalyzedText Analyze(Analyzer analyzer, string field, string text)
    {
        var analyzed = new AnalyzedText(text);
        using var stream = analyzer.GetTokenStream(field, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        var increment = stream.AddAttribute<IPositionIncrementAttribute>();
        var type = stream.AddAttribute<ITypeAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            var value = term.ToString();
            analyzed._all.Add((value, offset.StartOffset, offset.EndOffset, increment.PositionIncrement));
            if (type.Type == SynonymFilter.TYPE_SYNONYM) continue;
            var same = text.AsSpan(offset.StartOffset, offset.EndOffset - offset.StartOffset).SequenceEqual(value);
            analyzed.Words.Add(new TextToken(offset.StartOffset, offset.EndOffset, same ? null : value));
        }
        stream.End();
        return analyzed;
    }

    /// <summary>The recorded tokens again, for a field indexed from a token stream instead of re-analysing the text.</summary>
    public TokenStream Replay() => new Replayed(_all);

    private sealed class Replayed : TokenStream
    {
        private readonly List<(string Term, int Start, int End, int Increment)> _tokens;
        private readonly ICharTermAttribute _term;
        private readonly IOffsetAttribute _offset;
        private readonly IPositionIncrementAttribute _increment;
        private int _next;
        private int _finalOffset;

        public Replayed(List<(string Term, int Start, int End, int Increment)> tokens)
        {
            _tokens = tokens;
            _term = AddAttribute<ICharTermAttribute>();
            _offset = AddAttribute<IOffsetAttribute>();
            _increment = AddAttribute<IPositionIncrementAttribute>();
        }

        public override bool IncrementToken()
        {
            if (_next >= _tokens.Count) return false;
            ClearAttributes();
            var (term, start, end, increment) = _tokens[_next++];
            _term.SetEmpty().Append(term);
            _offset.SetOffset(start, end);
            _increment.PositionIncrement = increment;
            _finalOffset = Math.Max(_finalOffset, end);
            return true;
        }

        public override void End()
        {
            base.End();
            _offset.SetOffset(_finalOffset, _finalOffset);
        }

        public override void Reset()
        {
            base.Reset();
            _next = 0;
            _finalOffset = 0;
        }
    }
}
