using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Aggregations;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.QueryDsl;
using Marketplace.Core.Search;

namespace Marketplace.Search.Elasticsearch;

/// <summary>
/// Builds the search request: text in <c>must</c> (BM25, wrapped in a gauss distance decay when the caller
/// gives a point and wants relevance), plain filters in <c>filter</c>, facet-dimension filters in
/// <c>post_filter</c>, and one <c>filter</c> aggregation per facet holding every selected filter but its own.
/// </summary>
internal static class EsSearchRequestFactory
{
    /// <summary>index.max_result_window, left at its default in the template; the Lucene adapter serves the same window.</summary>
    public const int MaxWindow = 10_000;
    public const string Values = "values";
    private static readonly string[] TextFields = ["title^3", "summary", "description", "providerName", "tags"];
    private static readonly string[] BigramFields = [.. TextFields.Select(f => f.Contains('^') ? f.Replace("^", ".bigram^", StringComparison.Ordinal) : f + ".bigram")];

    public static SearchRequest Build(string alias, OfferingQuery q, EsDomainWords words)
    {
        // from + size may not pass index.max_result_window (10,000 by default): the page that straddles it is cut to what
        // fits, and pages past it ask for totals and facets only, as the Lucene adapter serves them.
        var from = (long)(q.Page - 1) * q.PageSize;
        var size = from >= MaxWindow ? 0 : (int)Math.Min(q.PageSize, MaxWindow - from);
        var facetFilters = EsFilters.Facets(q);
        return new SearchRequest(alias)
        {
            // Removal markers are left out in the query itself, so hits, the total and every facet count go without them.
            Query = Scored(q, new BoolQuery { Must = [Text(q, words)], Filter = EsFilters.Base(q), MustNot = [EsFilters.Removed] }),
            PostFilter = facetFilters.Count == 0 ? null : (Query)new BoolQuery { Filter = [.. facetFilters.Values] },
            Aggregations = Facets(facetFilters),
            Sort = Sorts(q),
            From = size == 0 ? 0 : (int)from,
            Size = size,
            TrackTotalHits = new TrackHits(true),
            Highlight = string.IsNullOrWhiteSpace(q.Text) ? null : Highlights(),
        };
    }

    /// <summary>
    /// The text, smartcn-analysed with synonyms, every term in some field (AND); and each listed domain word it holds
    /// (<see cref="EsDomainWords"/>) taken out of that part and required instead as a phrase on the bigram subfields.
    /// </summary>
    private static Query Text(OfferingQuery q, EsDomainWords words)
    {
        if (string.IsNullOrWhiteSpace(q.Text)) return new MatchAllQuery();
        var (rest, phrases) = words.Split(q.Text);
        var clauses = new List<Query>();
        if (!string.IsNullOrWhiteSpace(rest))
        {
            clauses.Add(new MultiMatchQuery
            {
                Query = rest,
                Fields = TextFields,
                // cross_fields: every term must occur in some field (not all in one), the same AND the Lucene adapter applies.
                Type = TextQueryType.CrossFields,
                AutoGenerateSynonymsPhraseQuery = false, // 程序设计 ⇔ 编程 as terms across fields, like the Lucene adapter
                Operator = Operator.And,
                Analyzer = "zh_search",
                // What is left beside a domain word may analyse to nothing (punctuation): then the words alone decide.
                ZeroTermsQuery = phrases.Count > 0 ? ZeroTermsQuery.All : null,
            });
        }
        foreach (var alternatives in phrases)
        {
            var each = alternatives.Select(Query (spelling) => new MultiMatchQuery { Query = spelling, Fields = BigramFields, Type = TextQueryType.Phrase }).ToList();
            clauses.Add(each.Count == 1 ? each[0] : new BoolQuery { Should = each, MinimumShouldMatch = 1 });
        }
        return clauses.Count == 1 ? clauses[0] : new BoolQuery { Must = clauses };
    }

    private static Query Scored(OfferingQuery q, BoolQuery matched) => q is { Near: { } near, Sort: SearchSort.Relevance }
        ? new FunctionScoreQuery
        {
            Query = matched,
            Functions =
            [
                new FunctionScore
                {
                    Gauss = new GeoDecayFunction
                    {
                        Field = "venue",
                        Placement = new DecayPlacement<GeoLocation, string> { Origin = EsFilters.At(near), Offset = "1km", Scale = "5km", Decay = 0.5 },
                    },
                },
            ],
            BoostMode = FunctionBoostMode.Multiply,
        }
        : matched;

    private static Dictionary<string, Aggregation> Facets(Dictionary<string, Query> selected)
    {
        Query Others(string dimension)
        {
            var others = selected.Where(f => f.Key != dimension).Select(f => f.Value).ToList();
            return others.Count == 0 ? new MatchAllQuery() : new BoolQuery { Filter = others };
        }

        Aggregation Facet(string dimension, Aggregation values) => new()
        {
            Filter = Others(dimension),
            Aggregations = new Dictionary<string, Aggregation> { [Values] = values },
        };

        return new Dictionary<string, Aggregation>
        {
            [EsFilters.Category] = Facet(EsFilters.Category, new TermsAggregation { Field = "category", Size = 20 }),
            [EsFilters.Mode] = Facet(EsFilters.Mode, new TermsAggregation { Field = "mode", Size = 5 }),
            [EsFilters.District] = Facet(EsFilters.District, new TermsAggregation { Field = "districts", Size = 200 }),
            [EsFilters.Price] = Facet(EsFilters.Price, new RangeAggregation
            {
                Field = "priceFen",
                // Bands as PriceBands: to is exclusive, so "≤ 1000 fen" is to 1001.
                Ranges =
                [
                    new AggregationRange { Key = PriceBands.Free, To = 1 },
                    new AggregationRange { Key = PriceBands.UpTo10, From = 1, To = 1001 },
                    new AggregationRange { Key = PriceBands.UpTo50, From = 1001, To = 5001 },
                    new AggregationRange { Key = PriceBands.Above50, From = 5001 },
                ],
            }),
        };
    }

    private static List<SortOptions> Sorts(OfferingQuery q)
    {
        var byScore = new SortOptions { Score = new ScoreSort { Order = SortOrder.Desc } };
        var byId = new SortOptions { Field = new FieldSort { Field = "id", Order = SortOrder.Asc } };
        return q.Sort switch
        {
            // Around a school: offerings coming to its district first (distance 0), then venues by distance, then the rest.
            SearchSort.Distance when q is { Near: { } near, ComesTo: { } district } => [ComesToFirst(near, district), byScore, byId],
            SearchSort.Distance when q.Near is { } near =>
            [
                new SortOptions { GeoDistance = new GeoDistanceSort { Field = "venue", Location = [EsFilters.At(near)], Order = SortOrder.Asc, Unit = DistanceUnit.Kilometers } },
                byScore, byId,
            ],
            SearchSort.Price => [new SortOptions { Field = new FieldSort { Field = "priceFen", Order = SortOrder.Asc } }, byScore, byId],
            SearchSort.Soonest =>
            [
                new SortOptions
                {
                    Field = new FieldSort
                    {
                        Field = "sessions.startsAt",
                        Order = SortOrder.Asc,
                        Mode = SortMode.Min,
                        Missing = "_last",
                        // The same clause as the filter: a hit sorts by its first session meeting every session condition.
                        Nested = new NestedSortValue { Path = "sessions", Filter = EsFilters.SessionClause(q) },
                    },
                },
                byScore, byId,
            ],
            _ => [byScore, byId],
        };
    }

    /// <summary>
    /// The distance a school reads: 0 when the offering serves its district on campus, else the venue's great-circle distance in km,
    /// else 1e9 (no venue: last). A script, because a geo-distance sort cannot put on-campus offerings without a venue first.
    /// </summary>
    public const string ComesToFirstScript =
        "if (doc['campusDistricts'].size() > 0 && doc['campusDistricts'].contains(params.d) && (doc['mode'].value == 'OnCampus' || doc['mode'].value == 'Both')) { return 0.0; } " +
        "if (doc['venue'].size() == 0) { return 1e9; } " +
        "return doc['venue'].arcDistance(params.lat, params.lon) / 1000.0;";

    private static SortOptions ComesToFirst(GeoPoint near, string district) => new()
    {
        Script = new ScriptSort
        {
            Type = ScriptSortType.Number,
            Order = SortOrder.Asc,
            Script = new Script
            {
                Source = ComesToFirstScript,
                Params = new Dictionary<string, object> { ["d"] = district, ["lat"] = near.Lat, ["lon"] = near.Lon },
            },
        },
    };

    private static Fields Bigram(string field) => Fields.FromString(field + ".bigram");

    private static Highlight Highlights() => new()
    {
        PreTags = ["<em>"],
        PostTags = ["</em>"],
        Encoder = HighlighterEncoder.Html,
        // matched_fields (unified highlighter, Elasticsearch 8.15+): a domain word matched on the bigram subfield is marked
        // in the field's own text too.
        Fields =
        [
            new KeyValuePair<Field, HighlightField>("title", new HighlightField { NumberOfFragments = 0, MatchedFields = Bigram("title") }),
            new KeyValuePair<Field, HighlightField>("summary", new HighlightField { NumberOfFragments = 0, MatchedFields = Bigram("summary") }),
            new KeyValuePair<Field, HighlightField>("description", new HighlightField { FragmentSize = 80, NumberOfFragments = 2, MatchedFields = Bigram("description") }),
        ],
    };
}
