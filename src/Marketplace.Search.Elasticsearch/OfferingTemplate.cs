using System.Reflection;
using System.Text.Json.Nodes;
using Marketplace.Core.Search;

namespace Marketplace.Search.Elasticsearch;

/// <summary>
/// The index template from infra/elasticsearch/offerings-template.json (embedded), with the index pattern
/// derived from the alias, the synonym groups written into the zh_synonyms filter and the domain words
/// (<see cref="SearchWords"/>) listed in its <c>_meta.search_words</c>: they shape queries only (phrases on the
/// <c>*.bigram</c> subfields), but are part of the schema stamp like the synonyms, so both adapters rebuild on a change.
/// </summary>
internal static class OfferingTemplate
{
    public const string ResourceName = "offerings-template.json";

    public static string IndexPattern(string alias) => $"{alias}-v*";

    /// <summary>
    /// The template, and its schema stamp: a hash of everything in it (mapping, analysis, synonyms). An index gets the stamp
    /// in its mapping's <c>_meta.schema</c> only once a rebuild has filled it (<see cref="ElasticsearchOfferingIndex.RebuildAsync"/>),
    /// so start-up rebuilds an index written under another template and one that was never filled. The template itself shows
    /// the stamp in its own <c>_meta</c>, which indices do not inherit.
    /// </summary>
    public static (string Json, string Schema) RenderWithSchema(string alias, SearchSynonyms synonyms, SearchWords words)
    {
        var template = JsonNode.Parse(Render(alias, synonyms, words))!;
        var schema = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(template.ToJsonString())))[..16].ToLowerInvariant();
        template["_meta"]!["schema"] = schema;
        return (template.ToJsonString(), schema);
    }

    public static string Render(string alias, SearchSynonyms synonyms, SearchWords words)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        var template = JsonNode.Parse(stream)!.AsObject();
        template["index_patterns"] = new JsonArray(IndexPattern(alias));
        template["_meta"]!["search_words"] = new JsonArray([.. words.Words.Select(w => (JsonNode)JsonValue.Create(w))]);
        var rules = new JsonArray();
        foreach (var group in synonyms.Groups.Where(g => g.Count > 1))
            rules.Add(string.Join(", ", group));
        var analysis = template["template"]!["settings"]!["analysis"]!;
        if (rules.Count > 0)
        {
            analysis["filter"]!["zh_synonyms"]!["synonyms"] = rules;
        }
        else
        {
            // Elasticsearch refuses an empty synonym list: drop the filter instead.
            analysis["filter"]!.AsObject().Remove("zh_synonyms");
            var filters = analysis["analyzer"]!["zh_search"]!["filter"]!.AsArray();
            filters.Remove(filters.First(f => f!.GetValue<string>() == "zh_synonyms"));
        }
        return template.ToJsonString();
    }
}
