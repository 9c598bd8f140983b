using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cn.Smart;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Synonym;
using Lucene.Net.Util;

namespace Marketplace.Search.Lucene;

/// <summary>
/// SmartChineseAnalyzer's own chain (HMM segmentation, lower-casing, Porter stem, punctuation stop set)
/// rebuilt by hand so that the segmentation keeps the domain words of <paramref name="lexicon"/> whole and a synonym
/// filter can be appended; without synonyms it is the plain segmenter.
/// </summary>
internal sealed class ChineseTextAnalyzer(Lexicon lexicon, SynonymMap? synonyms) : Analyzer
{
    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        Tokenizer tokenizer = lexicon.Count == 0 ? new HMMChineseTokenizer(reader) : new LexiconChineseTokenizer(reader, lexicon);
        TokenStream stream = new PorterStemFilter(tokenizer);
        stream = new StopFilter(LuceneVersion.LUCENE_48, stream, SmartChineseAnalyzer.DefaultStopSet);
        if (synonyms is not null)
            stream = new SynonymFilter(stream, synonyms, ignoreCase: true);
        return new TokenStreamComponents(tokenizer, stream);
    }
}
