using System.Collections.Concurrent;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace Marketplace.Search.Lucene;

/// <summary>
/// The plain analyzer's tokens (term, offsets, position increment) of stored texts, kept for reuse when highlighting:
/// the segmenter is deterministic, so replaying its tokens gives the highlighter exactly what re-analysing would,
/// without the HMM segmentation that was most of a text search's cost. Bounded: when full it starts over.
/// </summary>
internal sealed class SegmentedText(Analyzer plain, int capacity = SegmentedText.DefaultCapacity)
{
    public const int DefaultCapacity = 8192;

    private readonly ConcurrentDictionary<string, Segmentation> _cache = new(StringComparer.Ordinal);

    public TokenStream Tokens(string text)
    {
        if (!_cache.TryGetValue(text, out var segmentation))
        {
            segmentation = Segment(text);
            if (_cache.Count >= capacity) _cache.Clear();
            _cache.TryAdd(text, segmentation);
        }
        return new ReplayedTokens(segmentation);
    }

    private Segmentation Segment(string text)
    {
        var tokens = new List<SegmentToken>();
        // The field name does not change the plain analyzer's chain; title is what the query side uses too.
        using var stream = plain.GetTokenStream(LuceneFields.Title, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        var increment = stream.AddAttribute<IPositionIncrementAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
            tokens.Add(new SegmentToken(term.ToString(), offset.StartOffset, offset.EndOffset, increment.PositionIncrement));
        stream.End();
        return new Segmentation([.. tokens], offset.EndOffset);
    }

    private readonly record struct SegmentToken(string Term, int Start, int End, int Increment);

    private sealed record Segmentation(SegmentToken[] Tokens, int FinalOffset);

    private sealed class ReplayedTokens : TokenStream
    {
        private readonly Segmentation _segmentation;
        private readonly ICharTermAttribute _term;
        private readonly IOffsetAttribute _offset;
        private readonly IPositionIncrementAttribute _increment;
        private int _next;

        public ReplayedTokens(Segmentation segmentation)
        {
            _segmentation = segmentation;
            _term = AddAttribute<ICharTermAttribute>();
            _offset = AddAttribute<IOffsetAttribute>();
            _increment = AddAttribute<IPositionIncrementAttribute>();
        }

        public override bool IncrementToken()
        {
            if (_next >= _segmentation.Tokens.Length) return false;
            ClearAttributes();
            var token = _segmentation.Tokens[_next++];
            _term.SetEmpty().Append(token.Term);
            _offset.SetOffset(token.Start, token.End);
            _increment.PositionIncrement = token.Increment;
            return true;
        }

        public override void End()
        {
            base.End();
            _offset.SetOffset(_segmentation.FinalOffset, _segmentation.FinalOffset);
        }

        public override void Reset()
        {
            base.Reset();
            _next = 0;
        }
    }
}
