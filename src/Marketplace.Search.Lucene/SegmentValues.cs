using Lucene.Net.Index;
using Lucene.Net.Util;
using Marketplace.Core.Catalog;
using Marketplace.Core.Search;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Doc values of one segment plus the ordinals of the selected facet values, resolved once per segment so
/// the per-document checks are integer comparisons.
/// </summary>
internal sealed class SegmentValues
{
    private const int NotSelected = -2;
    private readonly BytesRef _scratch = new();
    private readonly int _categoryOrd = NotSelected;
    private readonly bool[]? _modeAllowed;
    private readonly long _districtOrd = NotSelected;

    public SegmentValues(AtomicReader reader, OfferingQuery query)
    {
        Category = reader.GetSortedDocValues(LuceneFields.Category);
        Mode = reader.GetSortedDocValues(LuceneFields.Mode);
        Districts = reader.GetSortedSetDocValues(LuceneFields.District);
        Price = reader.GetNumericDocValues(LuceneFields.PriceFen);
        Lat = reader.GetNumericDocValues(LuceneFields.Lat);
        Lon = reader.GetNumericDocValues(LuceneFields.Lon);
        HasVenue = reader.GetDocsWithField(LuceneFields.Lat);
        Starts = reader.GetBinaryDocValues(LuceneFields.SessionStarts);
        CategoryCounts = new long[Category?.ValueCount ?? 0];
        ModeCounts = new long[Mode?.ValueCount ?? 0];
        DistrictCounts = new long[Districts?.ValueCount ?? 0];

        if (query.Category is { } category)
            _categoryOrd = Math.Max(-1, Category?.LookupTerm(new BytesRef(category.ToString())) ?? -1);
        if (query.District is { } district)
            _districtOrd = Math.Max(-1, Districts?.LookupTerm(new BytesRef(district)) ?? -1);
        if (query.Mode is { } mode)
        {
            _modeAllowed = new bool[ModeCounts.Length];
            for (var ord = 0; ord < _modeAllowed.Length; ord++)
            {
                Mode!.LookupOrd(ord, _scratch);
                var value = Enum.Parse<DeliveryMode>(_scratch.Utf8ToString());
                _modeAllowed[ord] = value == mode || value == DeliveryMode.Both;
            }
        }
    }

    public SortedDocValues? Category { get; }
    public SortedDocValues? Mode { get; }
    public SortedSetDocValues? Districts { get; }
    public NumericDocValues? Price { get; }
    public NumericDocValues? Lat { get; }
    public NumericDocValues? Lon { get; }
    public IBits? HasVenue { get; }
    public BinaryDocValues? Starts { get; }
    public long[] CategoryCounts { get; }
    public long[] ModeCounts { get; }
    public long[] DistrictCounts { get; }

    public int CategoryOrd(int doc) => Category?.GetOrd(doc) ?? -1;

    public int ModeOrd(int doc) => Mode?.GetOrd(doc) ?? -1;

    public bool CategoryMatches(int ord) => _categoryOrd == NotSelected || (ord >= 0 && ord == _categoryOrd);

    public bool ModeMatches(int ord) => _modeAllowed is null || (ord >= 0 && _modeAllowed[ord]);

    public bool DistrictMatches(int doc)
    {
        if (_districtOrd == NotSelected) return true;
        if (_districtOrd < 0 || Districts is null) return false;
        Districts.SetDocument(doc);
        for (var ord = Districts.NextOrd(); ord != SortedSetDocValues.NO_MORE_ORDS; ord = Districts.NextOrd())
            if (ord == _districtOrd) return true;
        return false;
    }

    public void CountDistricts(int doc)
    {
        if (Districts is null) return;
        Districts.SetDocument(doc);
        for (var ord = Districts.NextOrd(); ord != SortedSetDocValues.NO_MORE_ORDS; ord = Districts.NextOrd())
            DistrictCounts[ord]++;
    }

    public GeoPoint? Venue(int doc) => HasVenue is not null && HasVenue.Get(doc)
        ? new GeoPoint(BitConverter.Int64BitsToDouble(Lat!.Get(doc)), BitConverter.Int64BitsToDouble(Lon!.Get(doc)))
        : null;

    public long NextStart(int doc, long nowTicks)
    {
        if (Starts is null) return long.MaxValue;
        Starts.Get(doc, _scratch);
        return LuceneDocumentMapper.NextStart(_scratch, nowTicks);
    }

    public void FoldInto(FacetTally tally)
    {
        tally.Fold(Category, CategoryCounts, isCategory: true);
        tally.Fold(Mode, ModeCounts, isCategory: false);
        tally.Fold(Districts, DistrictCounts);
    }
}
