using Marketplace.Core.Search;

namespace Marketplace.Search.Lucene;

/// <summary>Facet counts; per-segment ordinal counts are folded into strings once per segment, not per document.</summary>
internal sealed class FacetTally
{
    private static readonly string[] Bands = [.. PriceBands.All];
    private readonly Dictionary<string, long> _category = [];
    private readonly Dictionary<string, long> _mode = [];
    private readonly Dictionary<string, long> _district = [];

    /// <summary>Counts by position in <see cref="PriceBands.All"/> (see <see cref="SegmentColumns.PriceBandBits"/>).</summary>
    public long[] Price { get; } = new long[Bands.Length];

    public void FoldCategories(string[] names, long[] counts) => Fold(names, counts, _category);

    public void FoldModes(string[] names, long[] counts) => Fold(names, counts, _mode);

    public void FoldDistricts(string[] names, long[] counts) => Fold(names, counts, _district);

    public SearchFacets ToFacets()
    {
        var price = new Dictionary<string, long>(Bands.Length);
        for (var i = 0; i < Bands.Length; i++) price[Bands[i]] = Price[i];
        return new(_category, _mode, _district, price);
    }

    private static void Fold(string[] names, long[] counts, Dictionary<string, long> into)
    {
        for (var ord = 0; ord < counts.Length; ord++)
        {
            if (counts[ord] == 0) continue;
            into[names[ord]] = into.GetValueOrDefault(names[ord]) + counts[ord];
        }
    }
}
