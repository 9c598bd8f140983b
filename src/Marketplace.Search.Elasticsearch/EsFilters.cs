using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.QueryDsl;
using Marketplace.Core.Catalog;
using Marketplace.Core.Search;

namespace Marketplace.Search.Elasticsearch;

/// <summary>
/// Query filters for an <see cref="OfferingQuery"/>. Facet dimensions (category, mode, district, price) are
/// kept apart, by name, because they go to post_filter and to the other facets' aggregations.
/// </summary>
internal static class EsFilters
{
    public const string Category = "category", Mode = "mode", District = "district", Price = "price";

    public static List<Query> Base(OfferingQuery q)
    {
        var filters = new List<Query>();
        if (q.VisibleIn is { } visibleIn)
            filters.Add(new TermQuery { Field = "visibleIn", Value = visibleIn });
        if (q.Grade is { } grade)
            filters.Add(new TermQuery { Field = "grades", Value = grade });
        if (q is { Near: { } near, RadiusKm: { } radius })
        {
            filters.Add(new GeoDistanceQuery { Field = "venue", Location = At(near), Distance = $"{radius.ToString(System.Globalization.CultureInfo.InvariantCulture)}km" });
            filters.Add(AnyOf("mode", nameof(DeliveryMode.OffCampus), nameof(DeliveryMode.Both)));
        }
        var inRange = q.From is not null || q.To is not null;
        if (inRange && !q.AvailableOnly)
            filters.Add(Sessions(new DateRangeQuery { Field = "sessions.startsAt", Gte = Date(q.From), Lt = Date(q.To) }));
        if (q.AvailableOnly)
        {
            // One nested clause: the session in the range is the one with free seats (and it has not started).
            var from = q.From is { } f && f > q.Now ? f : q.Now;
            filters.Add(Sessions(new BoolQuery
            {
                Filter =
                [
                    new DateRangeQuery { Field = "sessions.startsAt", Gte = Date(from), Lt = Date(q.To) },
                    new NumberRangeQuery { Field = "sessions.freeSeats", Gt = 0 },
                ],
            }));
        }
        return filters;
    }

    public static Dictionary<string, Query> Facets(OfferingQuery q)
    {
        var facets = new Dictionary<string, Query>();
        if (q.Category is { } category)
            facets[Category] = new TermQuery { Field = "category", Value = category.ToString() };
        if (q.Mode is { } mode)
            facets[Mode] = mode == DeliveryMode.Both ? new TermQuery { Field = "mode", Value = mode.ToString() } : AnyOf("mode", mode.ToString(), nameof(DeliveryMode.Both));
        if (q.District is { } district)
            facets[District] = new TermQuery { Field = "districts", Value = district };
        if (q.MaxPriceFen is { } max)
            facets[Price] = new NumberRangeQuery { Field = "priceFen", Lte = max };
        return facets;
    }

    /// <summary>Removal markers (<see cref="EsRemoval"/>): excluded from every search.</summary>
    public static Query Removed { get; } = new TermQuery { Field = EsRemoval.Field, Value = true };

    public static GeoLocation At(GeoPoint point) => GeoLocation.LatitudeLongitude(new LatLonGeoLocation { Lat = point.Lat, Lon = point.Lon });

    public static Query StartsFromNow(DateTimeOffset now) => new DateRangeQuery { Field = "sessions.startsAt", Gte = Date(now) };

    private static NestedQuery Sessions(Query inner) => new() { Path = "sessions", Query = inner };

    private static TermsQuery AnyOf(string field, params string[] values) =>
        new() { Field = field, Terms = new TermsQueryField(values.Select(v => (FieldValue)v).ToArray()) };

    private static DateMath? Date(DateTimeOffset? at) => at is { } value ? DateMath.Anchored(value.UtcDateTime) : null;
}
