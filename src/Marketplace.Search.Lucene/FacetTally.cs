using Lucene.Net.Index;
using Lucene.Net.Util;
using Marketplace.Core.Search;

namespace Marketplace.Search.Lucene;

/// <summary>Facet counts; per-segment ordinal counts are folded into strings once per segment, not per document.</summary>
internal sealed class FacetTally
{
    private readonly Dictionary<string, long> _category = [];
    private readonly Dictionary<string, long> _mode = [];
    private readonly Dictionary<string, long> _district = [];
    private static readonly string[] Bands = [.. PriceBands.All];
    private readonly long[] _price = new long[Bands.Length];

    /// <summary>Counts by band position: this runs once per matching document, so no hashing and no interface calls.</summary>
    public void AddPrice(long priceFen)
    {
        var band = PriceBands.Of(priceFen);
        for (var i = 0; i < Bands.Length; i++)
        {
            if (ReferenceEquals(Bands[i], band))
            {
                _price[i]++;
                return;
            }
        }
        _price[Array.IndexOf(Bands, band)]++; // PriceBands.Of returned an equal but not interned string
    }

    public void Fold(SortedDocValues? values, long[] counts, bool isCategory) =>
        Fold(counts, isCategory ? _category : _mode, (ord, bytes) => values!.LookupOrd(ord, bytes));

    public void Fold(SortedSetDocValues? values, long[] counts) =>
        Fold(counts, _district, (ord, bytes) => values!.LookupOrd(ord, bytes));

    public SearchFacets ToFacets() =>
        new(_category, _mode, _district, Bands.Select((band, i) => (band, i)).ToDictionary(b => b.band, b => _price[b.i]));

    private static void Fold(long[] counts, Dictionary<string, long> into, Action<int, BytesRef> lookup)
    {
        var bytes = new BytesRef();
        for (var ord = 0; ord < counts.Length; ord++)
        {
            if (counts[ord] == 0) continue;
            lookup(ord, bytes);
            var key = bytes.Utf8ToString();
            into[key] = into.GetValueOrDefault(key) + counts[ord];
        }
    }
}
