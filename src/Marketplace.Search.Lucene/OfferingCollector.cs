using Lucene.Net.Index;
using Lucene.Net.Search;
using Marketplace.Core.Search;

namespace Marketplace.Search.Lucene;

/// <summary>
/// One pass over the documents matching text + non-facet filters: applies the facet-dimension filters
/// (category, mode, district, max price) and the exact radius, counts multi-select facets (a document that
/// fails exactly one dimension still counts in that dimension's facet), and keeps the best
/// <c>keep</c> hits in a bounded heap.
/// </summary>
internal sealed class OfferingCollector : ICollector
{
    private readonly OfferingQuery _query;
    private readonly int _keep;
    private readonly CandidateOrder _order;
    private readonly PriorityQueue<Candidate, Candidate> _worstFirst;
    private readonly FacetTally _tally = new();
    private SegmentValues? _segment;
    private Scorer? _scorer;
    private int _docBase;

    public OfferingCollector(OfferingQuery query, int keep)
    {
        _query = query;
        _keep = keep;
        _order = new CandidateOrder(query.Sort);
        _worstFirst = new PriorityQueue<Candidate, Candidate>(Comparer<Candidate>.Create((a, b) => _order.Compare(b, a)));
    }

    public long Total { get; private set; }

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer) => _scorer = scorer;

    public void SetNextReader(AtomicReaderContext context)
    {
        _segment?.FoldInto(_tally);
        _segment = new SegmentValues(context.AtomicReader, _query);
        _docBase = context.DocBase;
    }

    public void Collect(int doc)
    {
        var s = _segment!;
        var venue = _query.Near is null ? null : s.Venue(doc);
        var distance = venue is null ? double.NaN : _query.Near!.DistanceKmTo(venue);
        if (_query.RadiusKm is { } radius && !(distance <= radius)) return;

        var categoryOrd = s.CategoryOrd(doc);
        var modeOrd = s.ModeOrd(doc);
        var price = s.Price?.Get(doc) ?? 0;
        bool categoryOk = s.CategoryMatches(categoryOrd), modeOk = s.ModeMatches(modeOrd), districtOk = s.DistrictMatches(doc);
        var priceOk = _query.MaxPriceFen is not { } max || price <= max;
        var misses = (categoryOk ? 0 : 1) + (modeOk ? 0 : 1) + (districtOk ? 0 : 1) + (priceOk ? 0 : 1);
        if (misses > 1) return;

        if (!categoryOk || misses == 0) { if (categoryOrd >= 0) s.CategoryCounts[categoryOrd]++; }
        if (!modeOk || misses == 0) { if (modeOrd >= 0) s.ModeCounts[modeOrd]++; }
        if (!districtOk || misses == 0) s.CountDistricts(doc);
        if (!priceOk || misses == 0) _tally.AddPrice(price);
        if (misses > 0) return;

        Total++;
        Offer(doc, price, distance);
    }

    public SearchFacets Facets()
    {
        _segment?.FoldInto(_tally);
        _segment = null;
        return _tally.ToFacets();
    }

    /// <summary>The kept candidates, best first.</summary>
    public List<Candidate> Best()
    {
        var best = _worstFirst.UnorderedItems.Select(i => i.Element).ToList();
        best.Sort(_order);
        return best;
    }

    private void Offer(int doc, long price, double distance)
    {
        if (_keep == 0) return;
        var score = _scorer?.GetScore() ?? 1f;
        if (_query is { Sort: SearchSort.Relevance, Near: not null })
            score *= (float)DistanceDecay.Gauss(distance);
        var key = _query.Sort switch
        {
            SearchSort.Price => price,
            SearchSort.Soonest => _segment!.NextStart(doc, _query.Now.UtcTicks),
            _ => 0,
        };
        var candidate = new Candidate(_docBase + doc, score, distance, key);
        if (_worstFirst.Count < _keep)
            _worstFirst.Enqueue(candidate, candidate);
        else if (_order.Compare(candidate, _worstFirst.Peek()) < 0)
            _worstFirst.DequeueEnqueue(candidate, candidate);
    }
}
