using Lucene.Net.Index;
using Lucene.Net.Search;
using Marketplace.Core.Catalog;
using Marketplace.Core.Search;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Filters, counts and ranks one search, segment by segment, on the precomputed <see cref="SegmentColumns"/>.
/// Per segment it builds bit sets (<see cref="DocBits"/>): <c>base</c> = live documents passing the filters that are not
/// facet dimensions (grade, dates, availability, radius — a document failing one counts nowhere), one mask per selected
/// facet dimension (category, mode, district, max price) and <c>matched</c> = base ∩ the text's matches. The session conditions
/// (range, windows, free seats) are tested per session (<see cref="SessionPasses"/>), so one session must meet them all. Totals and
/// multi-select facet counts (a dimension's counts ignore its own filter) are population counts of intersections.
/// The best <c>keep</c> hits are kept in a bounded heap; a hit is scored only when it could enter it. Without text,
/// price and soonest sorts walk the segment's precomputed orders and stop once <c>keep</c> hits are found.
/// </summary>
internal sealed class OfferingCollector : ICollector, IDisposable
{
    private const int NotSelected = -2;

    private readonly OfferingQuery _query;
    private readonly int _keep;
    private readonly CandidateOrder _order;
    private readonly PriorityQueue<Candidate, Candidate> _worstFirst;
    private readonly FacetTally _tally = new();
    private readonly BitsRental _bits = new();
    private readonly long _now, _sessionsFrom;
    private readonly long? _to;
    private readonly SessionWindow[]? _windows;
    private readonly GeoPoint? _near;
    private readonly double _radius, _cosNearLat, _minLat, _maxLat, _minLon, _maxLon;
    private readonly bool _hasRadius, _rejectAll, _decayByDistance;
    private readonly SearchSort _sort;
    private Candidate _worst;
    private bool _full;

    private SegmentColumns? _c;
    private Scorer? _scorer;
    private int _docBase, _words;
    private long[] _base = [], _matched = [];
    private long[]? _category, _mode, _district, _price, _pass, _campus;
    private double[]? _distances;

    public OfferingCollector(OfferingQuery query, int keep)
    {
        _query = query;
        _keep = keep;
        _order = new CandidateOrder(query.Sort);
        _worstFirst = new PriorityQueue<Candidate, Candidate>(keep, Comparer<Candidate>.Create((a, b) => _order.Compare(b, a)));
        _now = query.Now.UtcTicks;
        _sessionsFrom = query.SessionsFrom.UtcTicks;
        _to = query.To?.UtcTicks;
        _windows = query.Windows is { } windows ? [.. windows] : null;
        _near = query.Near;
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

    /// <summary>Text search: Lucene calls this per segment, then <see cref="Collect"/> for each document matching the text.</summary>
    public void SetNextReader(AtomicReaderContext context)
    {
        Prepare(context);
        _matched = _bits.Cleared(_words);
    }

    public void Collect(int doc)
    {
        if (!DocBits.Get(_base, doc)) return;
        DocBits.Set(_matched, doc);
        if (_pass is not null && !DocBits.Get(_pass, doc)) return;
        Offer(doc);
    }

    /// <summary>Without text every live document is a match: no Lucene query to run.</summary>
    public void CollectAll(IndexReader reader)
    {
        foreach (var context in reader.Leaves)
        {
            Prepare(context);
            _matched = _base;
            if (_keep == 0) continue;
            switch (_sort)
            {
                case SearchSort.Price:
                    OfferInOrder(_c!.DocsByPrice);
                    break;
                case SearchSort.Soonest:
                    OfferSoonest();
                    break;
                case SearchSort.Relevance when !_decayByDistance:
                    OfferFirst(); // every document scores the same: the first ones in index order win
                    break;
                default:
                    for (var doc = NextPassing(0); doc >= 0; doc = NextPassing(doc + 1)) Offer(doc);
                    break;
            }
        }
        FoldSegment();
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

    public void Dispose() => _bits.Dispose();

    /// <summary>Base set and facet masks of a new segment (after folding the previous segment's counts).</summary>
    private void Prepare(AtomicReaderContext context)
    {
        FoldSegment();
        var reader = context.AtomicReader;
        var c = SegmentColumns.For(reader);
        _c = c;
        _docBase = context.DocBase;
        _words = DocBits.Words(c.MaxDoc);
        _base = _bits.CopyOf(c.LiveBits(reader), _words);
        var none = _bits.Cleared(_words);

        if (_rejectAll) Array.Clear(_base, 0, _words);
        if (_query.Grade is { } grade) DocBits.And(_base, c.Grade(grade) ?? none, _words);
        if (_query.VisibleIn is { } visibleIn) DocBits.And(_base, Ord(c.VisibleNames, visibleIn) is var vo and >= 0 ? c.VisibleBits[vo] : none, _words);
        if (_query.AvailableOnly) DocBits.And(_base, OpenAt(c), _words);
        _campus = null;
        if (_query.ComesTo is { } comesTo && _near is not null)
        {
            // On-campus offerings serving the school's district: the provider comes to it (distance 0, within any radius).
            _campus = _bits.Cleared(_words);
            var served = Ord(c.CampusNames, comesTo);
            if (served >= 0)
            {
                for (var ord = 0; ord < c.ModeValues.Length; ord++)
                    if (c.ModeValues[ord] is DeliveryMode.OnCampus or DeliveryMode.Both) DocBits.Or(_campus, c.ModeBits[ord], _words);
                DocBits.And(_campus, c.CampusBits[served], _words);
            }
        }
        if (_hasRadius)
        {
            _distances = _bits.Distances(c.MaxDoc);
            var within = WithinRadius(c);
            if (_campus is not null) DocBits.Or(within, _campus, _words);
            DocBits.And(_base, within, _words);
        }
        if (_query.FiltersSessions)
        {
            // One session meets every session condition: in the range, in a window, and open when available=true.
            for (var doc = DocBits.Next(_base, 0, _words); doc >= 0; doc = DocBits.Next(_base, doc + 1, _words))
                if (NextMatchingStart(c, doc) == long.MaxValue) DocBits.Clear(_base, doc);
        }

        _category = _query.Category is { } category ? Ord(c.CategoryNames, category.ToString()) is var co and >= 0 ? c.CategoryBits[co] : none : null;
        _district = _query.District is { } district ? Ord(c.DistrictNames, district) is var d and >= 0 ? c.DistrictBits[d] : none : null;
        _mode = null;
        if (_query.Mode is { } mode)
        {
            _mode = _bits.Cleared(_words);
            for (var ord = 0; ord < c.ModeValues.Length; ord++)
                if (c.ModeValues[ord] == mode || c.ModeValues[ord] == DeliveryMode.Both) DocBits.Or(_mode, c.ModeBits[ord], _words);
        }
        _price = null;
        if (_query.MaxPriceFen is { } maxPrice)
        {
            _price = _bits.Cleared(_words);
            var prices = c.PricesAscending;
            for (var i = 0; i < prices.Length && prices[i] <= maxPrice; i++) DocBits.Set(_price, c.DocsByPrice[i]);
        }
        _pass = Intersection(_category, _mode, _district, _price);
    }

    /// <summary>Counts the finished segment: total and the four facets, each under every filter but its own.</summary>
    private void FoldSegment()
    {
        if (_c is not { } c) return;
        var all = Masked(_category, _mode, _district, _price);
        Total += DocBits.Count(all, _words);
        _tally.FoldCategories(c.CategoryNames, Counts(c.CategoryBits, _category is null ? all : Masked(null, _mode, _district, _price)));
        _tally.FoldModes(c.ModeNames, Counts(c.ModeBits, _mode is null ? all : Masked(_category, null, _district, _price)));
        _tally.FoldDistricts(c.DistrictNames, Counts(c.DistrictBits, _district is null ? all : Masked(_category, _mode, null, _price)));
        var bands = Counts(c.PriceBandBits, _price is null ? all : Masked(_category, _mode, _district, null));
        for (var band = 0; band < bands.Length; band++) _tally.Price[band] += bands[band];
        _c = null;
    }

    private long[] Counts(long[][] values, long[] within)
    {
        var counts = new long[values.Length];
        for (var v = 0; v < values.Length; v++) counts[v] = DocBits.IntersectionCount(values[v], within, _words);
        return counts;
    }

    /// <summary>matched ∩ the given masks (null = no filter on that dimension).</summary>
    private long[] Masked(params long[]?[] masks)
    {
        if (masks.All(m => m is null)) return _matched;
        var result = _bits.CopyOf(_matched, _words);
        foreach (var mask in masks)
            if (mask is not null) DocBits.And(result, mask, _words);
        return result;
    }

    private long[]? Intersection(params long[]?[] masks)
    {
        long[]? result = null;
        foreach (var mask in masks)
        {
            if (mask is null) continue;
            if (result is null) result = _bits.CopyOf(mask, _words);
            else DocBits.And(result, mask, _words);
        }
        return result;
    }

    /// <summary>Documents with a session at or after now that has free seats: a prefix of the by-last-open order.</summary>
    private long[] OpenAt(SegmentColumns c)
    {
        var open = _bits.Cleared(_words);
        var lastOpen = c.LastOpenDescending;
        for (var i = 0; i < lastOpen.Length && lastOpen[i] >= _now; i++) DocBits.Set(open, c.DocsByLastOpen[i]);
        return open;
    }

    /// <summary>The start of the document's first session meeting the session conditions, or <see cref="long.MaxValue"/>.</summary>
    private long NextMatchingStart(SegmentColumns c, int doc)
    {
        var end = c.StartsStart[doc + 1];
        for (var i = c.FirstAtOrAfter(doc, _sessionsFrom); i < end; i++)
        {
            if (_to is { } to && c.Starts[i] >= to) break;
            if (SessionPasses(c, i)) return c.Starts[i];
        }
        return long.MaxValue;
    }

    /// <summary>Session i (a position in <see cref="SegmentColumns.Starts"/>, already in the range): open when asked, and in a window.</summary>
    private bool SessionPasses(SegmentColumns c, int i)
    {
        if (_query.AvailableOnly && !c.Open[i]) return false;
        if (_windows is not { } windows) return true;
        foreach (var w in windows)
            if ((w.Day is null || w.Day == c.Day[i]) && c.StartMinute[i] >= w.StartMinute && c.EndMinute[i] <= w.EndMinute) return true;
        return false;
    }

    /// <summary>Off-campus venues within the radius: only those in the radius box's latitude band are looked at.</summary>
    private long[] WithinRadius(SegmentColumns c)
    {
        var within = _bits.Cleared(_words);
        var byLat = c.VenueDocsByLat;
        var (start, end) = c.VenuesWithLatBetween(_minLat, _maxLat);
        for (var i = start; i < end; i++)
        {
            var doc = byLat[i];
            var lon = c.Lon[doc];
            if (lon >= _minLon && lon <= _maxLon && DistanceKm(doc) <= _radius) DocBits.Set(within, doc);
        }
        return within;
    }

    private int NextPassing(int from)
    {
        for (var doc = DocBits.Next(_matched, from, _words); doc >= 0; doc = DocBits.Next(_matched, doc + 1, _words))
            if (_pass is null || DocBits.Get(_pass, doc)) return doc;
        return -1;
    }

    private bool Passes(int doc) => DocBits.Get(_matched, doc) && (_pass is null || DocBits.Get(_pass, doc));

    private void OfferFirst()
    {
        var offered = 0;
        for (var doc = NextPassing(0); doc >= 0 && offered < _keep; doc = NextPassing(doc + 1), offered++) Offer(doc);
    }

    /// <summary>Documents in a precomputed (key, document) order: the first <c>keep</c> that pass are this segment's best.</summary>
    private void OfferInOrder(int[] docs)
    {
        var offered = 0;
        for (var i = 0; i < docs.Length && offered < _keep; i++)
            if (Passes(docs[i])) { Offer(docs[i]); offered++; }
    }

    /// <summary>
    /// Sessions from max(now, from) on in (start, document) order: a document's first session meeting the session conditions
    /// is its next session.
    /// </summary>
    private void OfferSoonest()
    {
        var c = _c!;
        var seen = _bits.Cleared(_words);
        var starts = c.SessionStartsAscending;
        int lo = 0, hi = starts.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (starts[mid] < _sessionsFrom) lo = mid + 1;
            else hi = mid;
        }
        var offered = 0;
        for (var i = lo; i < starts.Length && offered < _keep; i++)
        {
            if (_to is { } to && starts[i] >= to) break; // every document passing the base has a matching session before it
            var doc = c.SessionDocs[i];
            if (DocBits.Get(seen, doc) || !Passes(doc) || !SessionPasses(c, c.SessionIndexes[i])) continue;
            DocBits.Set(seen, doc);
            Offer(doc);
            offered++;
        }
        // Documents without a session to come sort last, in index order.
        for (var doc = NextPassing(0); doc >= 0 && offered < _keep; doc = NextPassing(doc + 1))
            if (!DocBits.Get(seen, doc)) { Offer(doc); offered++; }
    }

    private void Offer(int doc)
    {
        if (_keep == 0) return;
        var c = _c!;
        var distance = _campus is not null && DocBits.Get(_campus, doc) ? 0 : _near is not null && c.HasVenue[doc] ? DistanceKm(doc) : double.NaN;
        long key;
        switch (_sort)
        {
            case SearchSort.Price:
                key = c.Price[doc];
                if (_full && key > _worst.Key) return; // turned away on the sort key alone, before the (lazy) score
                break;
            case SearchSort.Soonest:
                key = NextMatchingStart(c, doc);
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

    private static int Ord(string[] names, string value) => Array.IndexOf(names, value);

    /// <summary>
    /// <see cref="GeoPoint.DistanceKmTo"/> from the query's point to the document's venue, term for term (same result), with the
    /// venue's cosine of latitude precomputed per segment. Computed once per document and search (kept in <c>_distances</c>).
    /// </summary>
    private double DistanceKm(int doc)
    {
        if (_distances is { } known && !double.IsNaN(known[doc])) return known[doc];
        const double r = 6371.0088;
        var c = _c!;
        var near = _near!;
        double dLat = Rad(c.Lat[doc] - near.Lat), dLon = Rad(c.Lon[doc] - near.Lon);
        double sinLat = Math.Sin(dLat / 2), sinLon = Math.Sin(dLon / 2);
        var a = sinLat * sinLat + _cosNearLat * c.CosLat[doc] * (sinLon * sinLon);
        var distance = 2 * r * Math.Asin(Math.Min(1, Math.Sqrt(a)));
        if (_distances is not null) _distances[doc] = distance;
        return distance;
    }

    private static double Rad(double deg) => deg * Math.PI / 180;
}
