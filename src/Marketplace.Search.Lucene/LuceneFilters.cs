using Lucene.Net.Index;
using Lucene.Net.Search;
using Marketplace.Core.Catalog;
using Marketplace.Core.Search;

namespace Marketplace.Search.Lucene;

/// <summary>
/// The filters that are not facet dimensions (grade, radius prefilter, dates, availability). Category, mode,
/// district and price are checked per document by <see cref="OfferingCollector"/> so facets can ignore their own dimension.
/// </summary>
internal static class LuceneFilters
{
    public static Filter? Build(OfferingQuery query)
    {
        var all = new BooleanQuery();
        if (query.Grade is { } grade)
            all.Add(new TermQuery(new Term(LuceneFields.Grade, grade.ToString())), Occur.MUST);
        if (query is { Near: { } near, RadiusKm: { } radius })
            AddRadiusPrefilter(all, near, radius);
        if (query.From is not null || query.To is not null)
            all.Add(NumericRangeQuery.NewInt64Range(LuceneFields.SessionStart, query.From?.UtcTicks, query.To?.UtcTicks, true, false), Occur.MUST);
        if (query.AvailableOnly)
            all.Add(NumericRangeQuery.NewInt64Range(LuceneFields.OpenSessionStart, query.Now.UtcTicks, null, true, true), Occur.MUST);
        return all.Clauses.Count == 0 ? null : new QueryWrapperFilter(all);
    }

    /// <summary>A cheap lat/lon box around the circle; the collector then checks the exact great-circle distance.</summary>
    private static void AddRadiusPrefilter(BooleanQuery all, GeoPoint near, double radiusKm)
    {
        // 111 km per degree is a little short of the true ~111.2, and the 2% margin covers the circle's
        // widest longitude lying slightly poleward of its centre: the box is always a superset.
        var dLat = radiusKm * 1.02 / 111.0;
        var cosLat = Math.Cos(near.Lat * Math.PI / 180);
        var dLon = cosLat < 0.01 ? 180 : Math.Min(180, radiusKm * 1.02 / (111.0 * cosLat));
        all.Add(NumericRangeQuery.NewDoubleRange(LuceneFields.Lat, near.Lat - dLat, near.Lat + dLat, true, true), Occur.MUST);
        all.Add(NumericRangeQuery.NewDoubleRange(LuceneFields.Lon, near.Lon - dLon, near.Lon + dLon, true, true), Occur.MUST);
        var reachable = new BooleanQuery
        {
            { new TermQuery(new Term(LuceneFields.Mode, nameof(DeliveryMode.OffCampus))), Occur.SHOULD },
            { new TermQuery(new Term(LuceneFields.Mode, nameof(DeliveryMode.Both))), Occur.SHOULD },
        };
        all.Add(reachable, Occur.MUST);
    }
}
