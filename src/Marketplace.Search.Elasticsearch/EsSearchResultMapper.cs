using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Aggregations;
using Elastic.Clients.Elasticsearch.Core.Search;
using Marketplace.Core.Catalog;
using Marketplace.Core.Search;

namespace Marketplace.Search.Elasticsearch;

/// <summary>Turns a search response (typed_keys aggregations) into the port's <see cref="SearchResult"/>.</summary>
internal static class EsSearchResultMapper
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoHighlights = new Dictionary<string, IReadOnlyList<string>>();

    public static SearchResult Map(SearchResponse<EsOffering> response, OfferingQuery q)
    {
        var items = response.Hits.Where(h => h.Source is not null).Select(h => ToHit(h, q)).ToList();
        var aggregations = response.Aggregations;
        var facets = new SearchFacets(
            Terms(aggregations, EsFilters.Category), Terms(aggregations, EsFilters.Mode), Terms(aggregations, EsFilters.District), Prices(aggregations));
        return new SearchResult(response.Total, items, facets);
    }

    private static SearchHit ToHit(Hit<EsOffering> hit, OfferingQuery q)
    {
        var o = hit.Source!;
        // The distance is recomputed rather than read from the sort values so every sort reports it alike.
        var comesToYou = q.ComesTo is { } district && o.CampusDistricts.Contains(district) && o.Mode is nameof(DeliveryMode.OnCampus) or nameof(DeliveryMode.Both);
        double? distance = comesToYou && q.Near is not null ? 0
            : q.Near is { } near && o.Venue is { } venue ? near.DistanceKmTo(new GeoPoint(venue.Lat, venue.Lon)) : null;
        var (next, upcoming) = HitSessions.Describe(o.Sessions.Select(s => new SessionSlot(Guid.Parse(s.Id), s.StartsAt, s.EndsAt, s.FreeSeats)), q);
        var highlights = hit.Highlight?.ToDictionary(h => h.Key, h => (IReadOnlyList<string>)h.Value.ToList()) ?? NoHighlights;
        return new SearchHit(
            Guid.Parse(o.Id), o.Title, o.Summary, Enum.Parse<Category>(o.Category), Enum.Parse<DeliveryMode>(o.Mode), o.ProviderName, o.PriceFen,
            o.Grades, distance, highlights,
            next, hit.Score ?? 0)
        {
            Upcoming = upcoming,
            ComesToYou = comesToYou,
        };
    }

    private static Dictionary<string, long> Terms(AggregateDictionary? aggregations, string facet)
    {
        var values = aggregations?.GetFilter(facet)?.Aggregations?.GetStringTerms(EsSearchRequestFactory.Values);
        return values?.Buckets.ToDictionary(b => b.Key.TryGetString(out var key) ? key : b.Key.ToString(), b => b.DocCount) ?? [];
    }

    private static Dictionary<string, long> Prices(AggregateDictionary? aggregations)
    {
        var counts = PriceBands.All.ToDictionary(b => b, _ => 0L);
        var ranges = aggregations?.GetFilter(EsFilters.Price)?.Aggregations?.GetRange(EsSearchRequestFactory.Values);
        foreach (var bucket in ranges?.Buckets ?? [])
            if (bucket.Key is { } key && counts.ContainsKey(key))
                counts[key] = bucket.DocCount;
        return counts;
    }
}
