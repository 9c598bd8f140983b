using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Segments the user's text with the index's analyzer and requires every term (or one of its synonym
/// alternatives) to occur in at least one text field: a cross-field AND, each term scored by its best field.
/// </summary>
internal static class LuceneTextQuery
{
    public static Query Build(string text, OfferingAnalyzers analyzers)
    {
        var terms = TokenText.Tokens(analyzers.Plain, LuceneFields.Title, text);
        var query = new BooleanQuery();
        foreach (var alternatives in analyzers.Synonyms.Expand(terms))
            query.Add(alternatives.Count == 1 ? AllOf(alternatives[0]) : AnyOf(alternatives), Occur.MUST);
        // No terms at all (only punctuation) matches nothing, as Elasticsearch's zero_terms_query "none" does.
        return query;
    }

    private static Query AnyOf(List<string[]> alternatives)
    {
        var any = new BooleanQuery();
        foreach (var sequence in alternatives)
            any.Add(AllOf(sequence), Occur.SHOULD);
        return any;
    }

    private static Query AllOf(string[] sequence)
    {
        if (sequence.Length == 1) return AcrossFields(sequence[0]);
        var all = new BooleanQuery();
        foreach (var term in sequence)
            all.Add(AcrossFields(term), Occur.MUST);
        return all;
    }

    private static DisjunctionMaxQuery AcrossFields(string term)
    {
        var best = new DisjunctionMaxQuery(tieBreakerMultiplier: 0.1f);
        foreach (var (field, boost) in LuceneFields.Text)
            best.Add(new TermQuery(new Term(field, term)) { Boost = boost });
        return best;
    }
}
