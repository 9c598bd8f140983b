using Lucene.Net.Search;
using Marketplace.Core.Search;

namespace Marketplace.Search.Lucene;

/// <summary>Runs one <see cref="OfferingQuery"/> against a searcher: match, collect, then render the requested page.</summary>
internal sealed class LuceneSearch(OfferingAnalyzers analyzers)
{
    /// <summary>Deepest hit served, as Elasticsearch's default max_result_window; totals and facets stay exact beyond it.</summary>
    public const int MaxWindow = 10_000;

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoHighlights = new Dictionary<string, IReadOnlyList<string>>();

    public SearchResult Run(IndexSearcher searcher, OfferingQuery query)
    {
        var (textQuery, highlighter) = string.IsNullOrWhiteSpace(query.Text) ? default : LuceneTextQuery.Build(query.Text, analyzers);
        var from = (long)(query.Page - 1) * query.PageSize;
        var keep = from >= MaxWindow ? 0 : (int)Math.Min(from + query.PageSize, MaxWindow);
        using var collector = new OfferingCollector(query, keep);
        if (textQuery is null) collector.CollectAll(searcher.IndexReader);
        else searcher.Search(textQuery, collector);

        var facets = collector.Facets(); // counts the last segment too: Total is final after this
        var items = collector.Best()
            .Skip((int)Math.Min(from, MaxWindow))
            .Select(candidate => ToHit(searcher, candidate, query, highlighter))
            .ToList();
        return new SearchResult(collector.Total, items, facets);
    }

    private static SearchHit ToHit(IndexSearcher searcher, Candidate candidate, OfferingQuery query, TermHighlighter? highlighter)
    {
        var stored = StoredOfferings.Load(searcher.IndexReader, candidate.Doc);
        var offering = stored.Offering;
        var (next, upcoming) = HitSessions.Describe(offering.Sessions, query);
        return new SearchHit(
            offering.Id, offering.Title, offering.Summary, offering.Category, offering.Mode, offering.ProviderName, offering.PriceFen,
            offering.Grades, double.IsNaN(candidate.DistanceKm) ? null : candidate.DistanceKm,
            highlighter?.Highlight(stored) ?? NoHighlights,
            next, candidate.Score)
        {
            Upcoming = upcoming,
            ComesToYou = offering.ComesTo(query.ComesTo),
        };
    }
}
