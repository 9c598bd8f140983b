using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis;
using Marketplace.Core.Search;

namespace Marketplace.Search.Lucene;

/// <summary>
/// The analyzers of one index: domain words are kept whole in both, synonyms are expanded when writing and when
/// building the query.
/// </summary>
internal sealed class OfferingAnalyzers : IDisposable
{
    public OfferingAnalyzers(SearchSynonyms synonyms, SearchWords words)
    {
        var lexicon = new Lexicon(words.Words);
        Plain = new ChineseTextAnalyzer(lexicon, null);
        Synonyms = SynonymTable.Build(synonyms, Plain);
        _withSynonyms = new ChineseTextAnalyzer(lexicon, Synonyms.ToMap());
        _keyword = new KeywordAnalyzer();
        Index = new PerFieldAnalyzerWrapper(_withSynonyms, LuceneFields.Keywords.ToDictionary(f => f, _ => (Analyzer)_keyword));
    }

    /// <summary>Segmentation only: for query terms and for re-analysing stored text when highlighting.</summary>
    public Analyzer Plain { get; }

    /// <summary>What the IndexWriter uses: segmentation + synonyms for text, keyword fields untouched.</summary>
    public Analyzer Index { get; }

    public SynonymTable Synonyms { get; }

    private readonly Analyzer _withSynonyms;
    private readonly Analyzer _keyword;

    public void Dispose()
    {
        Index.Dispose();
        _withSynonyms.Dispose();
        _keyword.Dispose();
        Plain.Dispose();
    }
}
