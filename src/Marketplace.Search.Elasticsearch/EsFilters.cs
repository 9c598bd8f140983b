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
            Query venue = new BoolQuery
            {
                Filter =
                [
                    new GeoDistanceQuery { Field = "venue", Location = At(near), Distance = $"{radius.ToString(System.Globalization.CultureInfo.InvariantCulture)}km" },
                    AnyOf("mode", nameof(DeliveryMode.OffCampus), nameof(DeliveryMode.Both)),
                ],
            };
            // Around a school's own point: a provider coming to its district (请进来) is within any radius.
            filters.Add(q.ComesTo is { } district
                ? new BoolQuery { Should = [venue, ComesTo(district)], MinimumShouldMatch = 1 }
                : venue);
        }
        if (q.FiltersSessions)
            filters.Add(new NestedQuery { Path = "sessions", Query = SessionClause(q) });
        return filters;
    }

    /// <summary>
    /// Every session condition of the query in one clause, for the nested <c>sessions</c> documents, so that one session meets them
    /// all: it starts in [max(from, now), to), fits one of the windows, and has free seats when asked. The soonest sort's nested
    /// filter is the same clause, so the session a hit is sorted by is one that matched.
    /// </summary>
    public static Query SessionClause(OfferingQuery q)
    {
        var clauses = new List<Query> { new DateRangeQuery { Field = "sessions.startsAt", Gte = Date(q.SessionsFrom), Lt = Date(q.To) } };
        if (q.AvailableOnly)
            clauses.Add(new NumberRangeQuery { Field = "sessions.freeSeats", Gt = 0 });
        if (q.Windows is { } windows)
            clauses.Add(windows.Count == 0 ? new MatchNoneQuery() : new BoolQuery { Should = [.. windows.Select(Window)], MinimumShouldMatch = 1 });
        return clauses.Count == 1 ? clauses[0] : new BoolQuery { Filter = clauses };
    }

    /// <summary>Whether the offering serves the district on campus (<c>OfferingDocument.ComesTo</c>).</summary>
    public static Query ComesTo(string district) => new BoolQuery
    {
        Filter = [new TermQuery { Field = "campusDistricts", Value = district }, AnyOf("mode", nameof(DeliveryMode.OnCampus), nameof(DeliveryMode.Both))],
    };

    private static Query Window(SessionWindow w)
    {
        var conditions = new List<Query>
        {
            new NumberRangeQuery { Field = "sessions.startMinute", Gte = w.StartMinute },
            new NumberRangeQuery { Field = "sessions.endMinute", Lte = w.EndMinute },
        };
        if (w.Day is { } day) conditions.Insert(0, new TermQuery { Field = "sessions.weekday", Value = EsSession.IsoWeekday(day) });
        return new BoolQuery { Filter = conditions };
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

    private static TermsQuery AnyOf(string field, params string[] values) =>
        new() { Field = field, Terms = new TermsQueryField(values.Select(v => (FieldValue)v).ToArray()) };

    private static DateMath? Date(DateTimeOffset? at) => at is { } value ? DateMath.Anchored(value.UtcDateTime) : null;
}
