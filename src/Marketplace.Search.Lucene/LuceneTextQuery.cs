using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Segments the user's text with the index's analyzer and requires every term (or one of its synonym alternatives)
/// to occur in the searched text (<see cref="LuceneFields.AllText"/>: title, summary, description, provider name,
/// tags); a term also found in the title adds its title score. Synonyms were injected at index time, so every
/// document holding one alternative of a group holds all of them: matching on the alternative with the fewest terms
/// finds exactly the same documents as matching on any of them, with the fewest postings to walk.
/// </summary>
internal static class LuceneTextQuery
{
    /// <summary>The query that matches and scores, and for the highlighter the single-term alternatives and the phrases.</summary>
    public static (Query Match, TermHighlighter Highlighter) Build(string text, OfferingAnalyzers analyzers)
    {
        var terms = TokenText.Tokens(analyzers.Plain, LuceneFields.Title, text);
        var match = new BooleanQuery();
        var highlight = new HashSet<string>(StringComparer.Ordinal);
        var phrases = new List<string[]>();
        foreach (var alternatives in analyzers.Synonyms.Expand(terms))
        {
            foreach (var term in alternatives.MinBy(sequence => sequence.Length)!)
            {
                match.Add(new TermQuery(new Term(LuceneFields.AllText, term)), Occur.MUST);
                match.Add(new TermQuery(new Term(LuceneFields.Title, term)) { Boost = LuceneFields.TitleBoost }, Occur.SHOULD);
            }
            foreach (var sequence in alternatives)
            {
                if (sequence.Length == 1) highlight.Add(sequence[0]);
                else phrases.Add(sequence);
            }
        }
        // No terms at all (only punctuation) matches nothing, as Elasticsearch's zero_terms_query "none" does.
        return (match, new TermHighlighter(highlight, phrases));
    }
}
