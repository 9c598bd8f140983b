using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Marketplace.Core.Catalog;
using Marketplace.Core.Search;

namespace Marketplace.Search.Lucene;

/// <summary>
/// One pass over the documents matching the text (or every live document when there is none). All filters are
/// checks on <see cref="SegmentColumns"/>: first those that are not facet dimensions (grade, dates, availability,
/// radius — a document failing one counts nowhere), then the facet dimensions (category, mode, district, max price),
/// counting multi-select facets (a document that fails exactly one dimension still counts in that dimension's facet).
/// The best <c>keep</c> hits are kept in a bounded heap; a hit is scored only when it could enter it.
/// </summary>
internal sealed class OfferingCollector : ICollector
{
    private const int NotSelected = -2;

    private readonly OfferingQuery _query;
    private readonly int _keep;
    private readonly CandidateOrder _order;
    private readonly PriorityQueue<Candidate, Candidate> _worstFirst;
    private readonly FacetTally _tally = new();
    private readonly long _now;
    private readonly long? _from, _to;
    private readonly bool _hasDates, _rejectAll;
    private readonly GeoPoint? _near;
    private readonly double _radius, _cosNearLat, _minLat, _maxLat, _minLon, _maxLon;
    private readonly bool _hasRadius, _hasGrade, _availableOnly, _hasMaxPrice, _decayByDistance;
    private readonly long _maxPrice;
    private readonly SearchSort _sort;
    private Candidate _worst;
    private bool _full;

    private SegmentColumns? _c;
    private Scorer? _scorer;
    private int _docBase;
    private FixedBitSet? _grade;
    private int _categoryOrd, _districtOrd;
    private bool[]? _modeAllowed;
    private bool[] _reachable = [];
    private long[] _categoryCounts = [], _modeCounts = [], _districtCounts = [];

    public OfferingCollector(OfferingQuery query, int keep)
    {
        _query = query;
        _keep = keep;
        _order = new CandidateOrder(query.Sort);
        _worstFirst = new PriorityQueue<Candidate, Candidate>(keep, Comparer<Candidate>.Create((a, b) => _order.Compare(b, a)));
        _now = query.Now.UtcTicks;
        _from = query.From?.UtcTicks;
        _to = query.To?.UtcTicks;
        _hasDates = query.From is not null || query.To is not null;
        _near = query.Near;
        _hasGrade = query.Grade is not null;
        _availableOnly = query.AvailableOnly;
        _hasMaxPrice = query.MaxPriceFen is not null;
        _maxPrice = query.MaxPriceFen ?? 0;
        _sort = query.Sort;
        _decayByDistance = query is { Sort: SearchSort.Relevance, Near: not null };
        // A radius without a point to measure from keeps nothing (no distance is within it).
        _rejectAll = query is { RadiusKm: not null, Near: null };
        if (query is { Near: { } near, RadiusKm: { } radius })
        {
            _hasRadius = true;
            _radius = radius;
            // A cheap lat/lon box around the circle before the exact great-circle distance. 111 km per degree is a
            // little short of the true ~111.2, and the 2% margin covers the circle's widest longitude lying slightly
            // poleward of its centre: the box is always a superset.
            var dLat = radius * 1.02 / 111.0;
            var cosLat = Math.Cos(near.Lat * Math.PI / 180);
            var dLon = cosLat < 0.01 ? 180 : Math.Min(180, radius * 1.02 / (111.0 * cosLat));
            (_minLat, _maxLat, _minLon, _maxLon) = (near.Lat - dLat, near.Lat + dLat, near.Lon - dLon, near.Lon + dLon);
        }
        if (_near is not null) _cosNearLat = Math.Cos(Rad(_near.Lat));
    }

    public long Total { get; private set; }

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer) => _scorer = scorer;

    public void SetNextReader(AtomicReaderContext context)
    {
        FoldSegment();
        var c = SegmentColumns.For(context.AtomicReader);
        _c = c;
        _docBase = context.DocBase;
        _grade = _query.Grade is { } grade ? c.Grade(grade) : null;
        _categoryOrd = _query.Category is { } category ? Array.IndexOf(c.CategoryNames, category.ToString()) : NotSelected;
        _districtOrd = _query.District is { } district ? Array.IndexOf(c.DistrictNames, district) : NotSelected;
        _modeAllowed = _query.Mode is { } mode ? [.. c.ModeValues.Select(v => v == mode || v == DeliveryMode.Both)] : null;
        _reachable = [.. c.ModeValues.Select(v => v is DeliveryMode.OffCampus or DeliveryMode.Both)];
        _categoryCounts = new long[c.CategoryNames.Length];
        _modeCounts = new long[c.ModeNames.Length];
        _districtCounts = new long[c.DistrictNames.Length];
    }

    /// <summary>Without text every live document is a match: no Lucene query to run, just this loop.</summary>
    public void CollectAll(IndexReader reader)
    {
        foreach (var context in reader.Leaves)
        {
            SetNextReader(context);
            var live = context.AtomicReader.LiveDocs;
            if (_hasRadius)
            {
                // Only documents whose venue lies in the radius box's latitude band can pass; the others count nowhere.
                var byLat = _c!.VenueDocsByLat;
                var (start, end) = _c.VenuesWithLatBetween(_minLat, _maxLat);
                for (var i = start; i < end; i++)
                    if (live is null || live.Get(byLat[i])) Collect(byLat[i]);
                continue;
            }
            var maxDoc = context.AtomicReader.MaxDoc;
            for (var doc = 0; doc < maxDoc; doc++)
                if (live is null || live.Get(doc)) Collect(doc);
        }
    }

    public void Collect(int doc)
    {
        var c = _c!;
        if (_rejectAll) return;
        if (_hasGrade && (_grade is null || !_grade.Get(doc))) return;
        if (_hasDates && !c.HasStartBetween(doc, _from, _to)) return;
        if (_availableOnly && c.LastOpenStart[doc] < _now) return;

        int categoryOrd = c.CategoryOrd[doc], modeOrd = c.ModeOrd[doc];
        var distance = double.NaN;
        if (_hasRadius)
        {
            if (!c.HasVenue[doc] || modeOrd < 0 || !_reachable[modeOrd]) return;
            double lat = c.Lat[doc], lon = c.Lon[doc];
            if (!(lat >= _minLat && lat <= _maxLat && lon >= _minLon && lon <= _maxLon)) return;
            distance = DistanceKm(lat, lon);
            if (!(distance <= _radius)) return;
        }
        else if (_near is not null && c.HasVenue[doc])
        {
            distance = DistanceKm(c.Lat[doc], c.Lon[doc]);
        }

        var price = c.Price[doc];
        var categoryOk = _categoryOrd == NotSelected || (categoryOrd >= 0 && categoryOrd == _categoryOrd);
        var modeOk = _modeAllowed is null || (modeOrd >= 0 && _modeAllowed[modeOrd]);
        var districtOk = _districtOrd == NotSelected || HasDistrict(c, doc);
        var priceOk = !_hasMaxPrice || price <= _maxPrice;
        var misses = (categoryOk ? 0 : 1) + (modeOk ? 0 : 1) + (districtOk ? 0 : 1) + (priceOk ? 0 : 1);
        if (misses > 1) return;

        if (!categoryOk || misses == 0) { if (categoryOrd >= 0) _categoryCounts[categoryOrd]++; }
        if (!modeOk || misses == 0) { if (modeOrd >= 0) _modeCounts[modeOrd]++; }
        if (!districtOk || misses == 0)
        {
            var districts = c.DistrictOrds;
            for (int i = c.DistrictStart[doc], end = c.DistrictStart[doc + 1]; i < end; i++) _districtCounts[districts[i]]++;
        }
        if (!priceOk || misses == 0) _tally.Price[c.PriceBand[doc]]++;
        if (misses > 0) return;

        Total++;
        Offer(doc, price, distance);
    }

    public SearchFacets Facets()
    {
        FoldSegment();
        return _tally.ToFacets();
    }

    /// <summary>The kept candidates, best first.</summary>
    public List<Candidate> Best()
    {
        var best = new List<Candidate>(_worstFirst.Count);
        foreach (var (element, _) in _worstFirst.UnorderedItems) best.Add(element);
        best.Sort(_order);
        return best;
    }

    private void Offer(int doc, long price, double distance)
    {
        if (_keep == 0) return;
        long key;
        switch (_sort)
        {
            case SearchSort.Price:
                key = price;
                if (_full && key > _worst.Key) return; // turned away on the sort key alone, before the (lazy) score
                break;
            case SearchSort.Soonest:
                key = _c!.NextStart(doc, _now);
                if (_full && key > _worst.Key) return;
                break;
            case SearchSort.Distance:
                key = 0;
                if (_full && _order.ComparePrimary(distance, key, _worst) > 0) return;
                break;
            default:
                key = 0;
                break;
        }
        var score = _scorer?.GetScore() ?? 1f;
        if (_decayByDistance)
            score *= (float)DistanceDecay.Gauss(distance);
        var candidate = new Candidate(_docBase + doc, score, distance, key);
        if (!_full)
        {
            _worstFirst.Enqueue(candidate, candidate);
            _full = _worstFirst.Count >= _keep;
        }
        else if (_order.Compare(candidate, _worst) < 0)
        {
            _worstFirst.DequeueEnqueue(candidate, candidate);
        }
        else
        {
            return;
        }
        _worst = _worstFirst.Peek();
    }

    private bool HasDistrict(SegmentColumns c, int doc)
    {
        if (_districtOrd < 0) return false;
        var districts = c.DistrictOrds;
        for (int i = c.DistrictStart[doc], end = c.DistrictStart[doc + 1]; i < end; i++)
            if (districts[i] == _districtOrd) return true;
        return false;
    }

    private void FoldSegment()
    {
        if (_c is not { } c) return;
        _tally.FoldCategories(c.CategoryNames, _categoryCounts);
        _tally.FoldModes(c.ModeNames, _modeCounts);
        _tally.FoldDistricts(c.DistrictNames, _districtCounts);
        _c = null;
    }

    /// <summary><see cref="GeoPoint.DistanceKmTo"/> from the query's point, term for term (same result), without allocating a point per document.</summary>
    private double DistanceKm(double lat, double lon)
    {
        const double r = 6371.0088;
        var near = _near!;
        double dLat = Rad(lat - near.Lat), dLon = Rad(lon - near.Lon);
        var a = Math.Pow(Math.Sin(dLat / 2), 2) + _cosNearLat * Math.Cos(Rad(lat)) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * r * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    private static double Rad(double deg) => deg * Math.PI / 180;
}
