using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Marketplace.Core.Catalog;
using Marketplace.Core.Search;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Everything the collector filters, counts and sorts on, copied once per segment core into plain arrays — values per
/// document, bit sets of documents per value (<see cref="DocBits"/>) and documents in key order: segments are
/// immutable (deletes only change live docs), so the copy is valid for as long as the segment lives and is shared by
/// every search. Reading the same values through doc values per document (memory-mapped, byte by byte) was most of a
/// query's cost at 100k offerings. Built on first use, or when a new searcher is opened (<see cref="Bm25SearcherFactory"/>).
/// </summary>
internal sealed class SegmentColumns
{
    public const sbyte Missing = -1;

    private static readonly ConditionalWeakTable<object, SegmentColumns> Cache = new();
    private static readonly ConditionalWeakTable<object, long[]> LiveCache = new();
    private static readonly string[] Bands = [.. PriceBands.All];

    private readonly Dictionary<string, FixedBitSet> _grades;

    private SegmentColumns(AtomicReader reader)
    {
        MaxDoc = reader.MaxDoc;
        var (categoryOrd, categoryNames) = Ordinals(reader.GetSortedDocValues(LuceneFields.Category), MaxDoc);
        var (modeOrd, modeNames) = Ordinals(reader.GetSortedDocValues(LuceneFields.Mode), MaxDoc);
        (CategoryNames, ModeNames) = (categoryNames, modeNames);
        ModeValues = [.. ModeNames.Select(name => Enum.TryParse<DeliveryMode>(name, out var mode) ? mode : (DeliveryMode?)null)];
        CategoryBits = ValueBits(CategoryNames.Length, doc => categoryOrd[doc]);
        ModeBits = ValueBits(ModeNames.Length, doc => modeOrd[doc]);

        Price = new long[MaxDoc];
        var price = reader.GetNumericDocValues(LuceneFields.PriceFen);
        for (var doc = 0; doc < MaxDoc; doc++) Price[doc] = price?.Get(doc) ?? 0;
        PriceBandBits = ValueBits(Bands.Length, doc => Array.IndexOf(Bands, PriceBands.Of(Price[doc])));
        (DocsByPrice, PricesAscending) = SortedBy(MaxDoc, doc => Price[doc]);

        (DistrictBits, DistrictNames) = Districts(reader.GetSortedSetDocValues(LuceneFields.District), MaxDoc);
        (VisibleBits, VisibleNames) = Districts(reader.GetSortedSetDocValues(LuceneFields.VisibleIn), MaxDoc);
        (CampusBits, CampusNames) = Districts(reader.GetSortedSetDocValues(LuceneFields.CampusDistrict), MaxDoc);
        (HasVenue, Lat, Lon) = Venues(reader, MaxDoc);
        CosLat = [.. Lat.Select(lat => Math.Cos(lat * Math.PI / 180))];
        (VenueDocsByLat, VenueLats) = ReachableVenuesByLat(HasVenue, Lat, modeOrd, ModeValues);
        (StartsStart, Starts) = SessionStarts(reader.GetBinaryDocValues(LuceneFields.SessionStarts), MaxDoc);
        Ends = SessionEnds(reader.GetBinaryDocValues(LuceneFields.SessionEnds), StartsStart, Starts);
        Open = SessionOpen(reader.GetBinaryDocValues(LuceneFields.SessionOpen), StartsStart, Starts.Length);
        (Day, StartMinute, EndMinute) = WeekSlots(Starts, Ends);
        (SessionDocs, SessionIndexes, SessionStartsAscending) = SessionsByStart(StartsStart, Starts);
        (OpenStartsStart, OpenStarts) = OpenSessionStarts(reader, MaxDoc);
        var lastOpenStart = new long[MaxDoc];
        for (var doc = 0; doc < MaxDoc; doc++)
            lastOpenStart[doc] = OpenStartsStart[doc] < OpenStartsStart[doc + 1] ? OpenStarts[OpenStartsStart[doc + 1] - 1] : long.MinValue;
        (DocsByLastOpen, LastOpenDescending) = SortedBy(MaxDoc, doc => lastOpenStart[doc], descending: true);
        _grades = Postings(reader, LuceneFields.Grade, MaxDoc);
        AllDocs = DocBits.All(MaxDoc);
    }

    /// <summary>Every document of the segment, deleted or not (see <see cref="LiveBits"/>).</summary>
    public long[] AllDocs { get; }

    /// <summary>Documents per ordinal of <see cref="CategoryNames"/>, <see cref="ModeNames"/>, <see cref="DistrictNames"/>, <see cref="PriceBands.All"/>.</summary>
    public long[][] CategoryBits { get; }
    public long[][] ModeBits { get; }
    public long[][] DistrictBits { get; }
    public long[][] PriceBandBits { get; }

    /// <summary>Documents per ordinal of <see cref="VisibleNames"/>: those the district's schools may see.</summary>
    public long[][] VisibleBits { get; }

    /// <summary>Documents per ordinal of <see cref="CampusNames"/>: those serving that district on campus.</summary>
    public long[][] CampusBits { get; }

    /// <summary>Documents by ascending price (then document), for the price ceiling and the price sort.</summary>
    public int[] DocsByPrice { get; }
    public long[] PricesAscending { get; }

    /// <summary>Documents by descending start of their last session with free seats (<see cref="long.MinValue"/> when none): those still open at a time are a prefix.</summary>
    public int[] DocsByLastOpen { get; }
    public long[] LastOpenDescending { get; }

    /// <summary>Every session of the segment as (start, document), by ascending start then document: the soonest sort walks it from now.</summary>
    public int[] SessionDocs { get; }

    /// <summary>The same sessions' positions in <see cref="Starts"/> (and the arrays parallel to it).</summary>
    public int[] SessionIndexes { get; }
    public long[] SessionStartsAscending { get; }

    /// <summary>Starts of sessions with free seats, ascending, per document: OpenStarts[OpenStartsStart[doc] .. OpenStartsStart[doc + 1]).</summary>
    public int[] OpenStartsStart { get; }
    public long[] OpenStarts { get; }

    /// <summary>The live (not deleted) documents of <paramref name="reader"/>, built once per set of deletions.</summary>
    public long[] LiveBits(AtomicReader reader)
    {
        if (reader.LiveDocs is not { } live) return AllDocs;
        return LiveCache.GetValue(live, bits =>
        {
            var words = new long[DocBits.Words(MaxDoc)];
            for (var doc = 0; doc < MaxDoc; doc++)
                if (((IBits)bits).Get(doc)) DocBits.Set(words, doc);
            return words;
        });
    }

    public int MaxDoc { get; }

    public string[] CategoryNames { get; }
    public string[] ModeNames { get; }
    public DeliveryMode?[] ModeValues { get; }

    /// <summary>Price in fen (0 when the document has none, as doc values read it).</summary>
    public long[] Price { get; }

    public string[] DistrictNames { get; }

    /// <summary>The district codes of <see cref="VisibleBits"/>, by ordinal.</summary>
    public string[] VisibleNames { get; }

    /// <summary>The district codes of <see cref="CampusBits"/>, by ordinal.</summary>
    public string[] CampusNames { get; }

    public bool[] HasVenue { get; }
    public double[] Lat { get; }
    public double[] Lon { get; }

    /// <summary>Cosine of each venue's latitude (the haversine term that depends on the venue alone).</summary>
    public double[] CosLat { get; }

    /// <summary>Session start ticks of document d, ascending: <c>Starts[StartsStart[d]..StartsStart[d + 1]]</c>.</summary>
    public int[] StartsStart { get; }
    public long[] Starts { get; }

    /// <summary>Parallel to <see cref="Starts"/>: each session's end ticks, whether it has free seats, and its Beijing week slot
    /// (weekday of its start, start and end in minutes after that day's midnight, as <c>ChinaTime.WeekSlot</c>).</summary>
    public long[] Ends { get; }
    public bool[] Open { get; }
    public DayOfWeek[] Day { get; }
    public int[] StartMinute { get; }
    public int[] EndMinute { get; }

    /// <summary>Documents with a venue and an off-campus mode (OffCampus or Both), by ascending latitude (<see cref="VenueLats"/>).</summary>
    public int[] VenueDocsByLat { get; }
    public double[] VenueLats { get; }

    public static SegmentColumns For(AtomicReader reader) => Cache.GetValue(reader.CoreCacheKey, _ => new SegmentColumns(reader));

    /// <summary>Documents indexed with this grade (<see cref="DocBits"/> layout), or null when no document of the segment has it.</summary>
    public long[]? Grade(int grade) => _grades.GetValueOrDefault(grade.ToString(System.Globalization.CultureInfo.InvariantCulture))?.GetBits();

    /// <summary>The position in <see cref="Starts"/> of the document's first session starting at or after <paramref name="ticks"/>
    /// (<c>StartsStart[doc + 1]</c> when none).</summary>
    public int FirstAtOrAfter(int doc, long ticks)
    {
        int lo = StartsStart[doc], hi = StartsStart[doc + 1];
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (Starts[mid] < ticks) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>The slice of <see cref="VenueDocsByLat"/> whose latitude is in [min, max].</summary>
    public (int Start, int End) VenuesWithLatBetween(double min, double max) => (LowerBound(VenueLats, min), UpperBound(VenueLats, max));

    private static int LowerBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static int UpperBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private long[][] ValueBits(int values, Func<int, int> ordOf)
    {
        var bits = new long[values][];
        for (var v = 0; v < values; v++) bits[v] = new long[DocBits.Words(MaxDoc)];
        for (var doc = 0; doc < MaxDoc; doc++)
            if (ordOf(doc) is var ord and >= 0 && ord < values) DocBits.Set(bits[ord], doc);
        return bits;
    }

    private static (int[] Docs, long[] Keys) SortedBy(int maxDoc, Func<int, long> key, bool descending = false)
    {
        var docs = new int[maxDoc];
        var keys = new long[maxDoc];
        for (var doc = 0; doc < maxDoc; doc++) (docs[doc], keys[doc]) = (doc, key(doc));
        // Array.Sort is not stable: order equal keys by document explicitly.
        Array.Sort(docs, (a, b) => descending ? keys[b].CompareTo(keys[a]) is var d && d != 0 ? d : a.CompareTo(b) : keys[a].CompareTo(keys[b]) is var e && e != 0 ? e : a.CompareTo(b));
        return (docs, [.. docs.Select(doc => keys[doc])]);
    }

    private static (int[] Docs, int[] Indexes, long[] Starts) SessionsByStart(int[] startsStart, long[] starts)
    {
        var docs = new int[starts.Length];
        for (var doc = 0; doc + 1 < startsStart.Length; doc++)
            for (var i = startsStart[doc]; i < startsStart[doc + 1]; i++) docs[i] = doc;
        var order = Enumerable.Range(0, starts.Length).ToArray();
        Array.Sort(order, (a, b) => starts[a].CompareTo(starts[b]) is var c && c != 0 ? c : docs[a].CompareTo(docs[b]) is var d && d != 0 ? d : a.CompareTo(b));
        return ([.. order.Select(i => docs[i])], order, [.. order.Select(i => starts[i])]);
    }

    /// <summary>Each session's end, read in the order of its start; a document written without ends (never by this schema) ends at its start.</summary>
    private static long[] SessionEnds(BinaryDocValues? values, int[] startsStart, long[] starts)
    {
        var ends = (long[])starts.Clone();
        if (values is null) return ends;
        var bytes = new BytesRef();
        for (var doc = 0; doc + 1 < startsStart.Length; doc++)
        {
            values.Get(doc, bytes);
            var span = bytes.Bytes.AsSpan(bytes.Offset, bytes.Length);
            for (int i = startsStart[doc], at = 0; i < startsStart[doc + 1] && at + sizeof(long) <= span.Length; i++, at += sizeof(long))
                ends[i] = BinaryPrimitives.ReadInt64LittleEndian(span[at..]);
        }
        return ends;
    }

    private static bool[] SessionOpen(BinaryDocValues? values, int[] startsStart, int count)
    {
        var open = new bool[count];
        if (values is null) return open;
        var bytes = new BytesRef();
        for (var doc = 0; doc + 1 < startsStart.Length; doc++)
        {
            values.Get(doc, bytes);
            for (int i = startsStart[doc], at = 0; i < startsStart[doc + 1] && at < bytes.Length; i++, at++)
                open[i] = bytes.Bytes[bytes.Offset + at] != 0;
        }
        return open;
    }

    /// <summary>
    /// <c>ChinaTime.WeekSlot</c> on ticks: Beijing is a fixed UTC+8 for every year the marketplace accepts (2000–2099; China has kept
    /// no daylight saving since 1991), and 0001-01-01, tick 0, was a Monday.
    /// </summary>
    private static (DayOfWeek[] Day, int[] Start, int[] End) WeekSlots(long[] starts, long[] ends)
    {
        const long beijing = 8 * TimeSpan.TicksPerHour;
        var (day, start, end) = (new DayOfWeek[starts.Length], new int[starts.Length], new int[starts.Length]);
        for (var i = 0; i < starts.Length; i++)
        {
            var local = starts[i] + beijing;
            var midnight = local - local % TimeSpan.TicksPerDay;
            day[i] = (DayOfWeek)((local / TimeSpan.TicksPerDay + 1) % 7);
            start[i] = (int)((local - midnight) / TimeSpan.TicksPerMinute);
            end[i] = (int)Math.Min(int.MaxValue, (ends[i] + beijing - midnight + TimeSpan.TicksPerMinute - 1) / TimeSpan.TicksPerMinute);
        }
        return (day, start, end);
    }

    private static (int[] Docs, double[] Lats) ReachableVenuesByLat(bool[] hasVenue, double[] lat, sbyte[] modeOrd, DeliveryMode?[] modes)
    {
        var docs = new List<int>();
        for (var doc = 0; doc < hasVenue.Length; doc++)
            if (hasVenue[doc] && modeOrd[doc] >= 0 && modes[modeOrd[doc]] is DeliveryMode.OffCampus or DeliveryMode.Both && !double.IsNaN(lat[doc]))
                docs.Add(doc);
        var byLat = docs.ToArray();
        var lats = byLat.Select(doc => lat[doc]).ToArray();
        Array.Sort(lats, byLat);
        return (byLat, lats);
    }

    private static (sbyte[] Ords, string[] Names) Ordinals(SortedDocValues? values, int maxDoc)
    {
        var ords = new sbyte[maxDoc];
        if (values is null || values.ValueCount > sbyte.MaxValue)
        {
            // No such field (or far more values than the enums have, which the mapper never writes): all missing.
            Array.Fill(ords, Missing);
            return (ords, values is null ? [] : Names(values.ValueCount, values.LookupOrd));
        }
        for (var doc = 0; doc < maxDoc; doc++)
            ords[doc] = (sbyte)values.GetOrd(doc);
        return (ords, Names(values.ValueCount, values.LookupOrd));
    }

    private static string[] Names(long count, Action<int, BytesRef> lookup)
    {
        var names = new string[count];
        var bytes = new BytesRef();
        for (var ord = 0; ord < count; ord++)
        {
            lookup(ord, bytes);
            names[ord] = bytes.Utf8ToString();
        }
        return names;
    }

    /// <summary>Documents per district ordinal (a document is in the set of each of its districts) and the district codes.</summary>
    private static (long[][] Bits, string[] Names) Districts(SortedSetDocValues? values, int maxDoc)
    {
        if (values is null) return ([], []);
        var bits = new long[values.ValueCount][];
        for (var ord = 0; ord < bits.Length; ord++) bits[ord] = new long[DocBits.Words(maxDoc)];
        for (var doc = 0; doc < maxDoc; doc++)
        {
            values.SetDocument(doc);
            for (var ord = values.NextOrd(); ord != SortedSetDocValues.NO_MORE_ORDS; ord = values.NextOrd())
                DocBits.Set(bits[ord], doc);
        }
        return (bits, Names(values.ValueCount, (ord, bytes) => values.LookupOrd(ord, bytes)));
    }

    private static (bool[] Has, double[] Lat, double[] Lon) Venues(AtomicReader reader, int maxDoc)
    {
        var has = new bool[maxDoc];
        var lat = new double[maxDoc];
        var lon = new double[maxDoc];
        var withVenue = reader.GetDocsWithField(LuceneFields.Lat);
        var lats = reader.GetNumericDocValues(LuceneFields.Lat);
        var lons = reader.GetNumericDocValues(LuceneFields.Lon);
        if (withVenue is null || lats is null || lons is null) return (has, lat, lon);
        for (var doc = 0; doc < maxDoc; doc++)
        {
            if (!withVenue.Get(doc)) continue;
            has[doc] = true;
            lat[doc] = BitConverter.Int64BitsToDouble(lats.Get(doc));
            lon[doc] = BitConverter.Int64BitsToDouble(lons.Get(doc));
        }
        return (has, lat, lon);
    }

    private static (int[] Start, long[] Starts) SessionStarts(BinaryDocValues? values, int maxDoc)
    {
        var start = new int[maxDoc + 1];
        if (values is null) return (start, []);
        var starts = new List<long>(maxDoc * 3);
        var bytes = new BytesRef();
        for (var doc = 0; doc < maxDoc; doc++)
        {
            start[doc] = starts.Count;
            values.Get(doc, bytes);
            var span = bytes.Bytes.AsSpan(bytes.Offset, bytes.Length);
            for (var i = 0; i + sizeof(long) <= span.Length; i += sizeof(long))
                starts.Add(BinaryPrimitives.ReadInt64LittleEndian(span[i..]));
        }
        start[maxDoc] = starts.Count;
        return (start, [.. starts]);
    }

    /// <summary>
    /// Each document's open-session starts, ascending, from the full-precision terms of the indexed field (the terms
    /// come in ascending order, so appending keeps every document's slice sorted).
    /// </summary>
    private static (int[] Start, long[] Starts) OpenSessionStarts(AtomicReader reader, int maxDoc)
    {
        var start = new int[maxDoc + 1];
        var terms = reader.GetTerms(LuceneFields.OpenSessionStart);
        if (terms is null) return (start, []);
        var postings = new List<(long Ticks, int[] Docs)>();
        var termsEnum = terms.GetEnumerator();
        DocsEnum? docs = null;
        var counts = new int[maxDoc];
        var list = new List<int>();
        while (termsEnum.MoveNext())
        {
            var term = termsEnum.Term;
            if (NumericUtils.GetPrefixCodedInt64Shift(term) != 0) continue;
            docs = termsEnum.Docs(null, docs, DocsFlags.NONE);
            list.Clear();
            for (var doc = docs.NextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.NextDoc())
            {
                list.Add(doc);
                counts[doc]++;
            }
            postings.Add((NumericUtils.PrefixCodedToInt64(term), [.. list]));
        }
        for (var doc = 0; doc < maxDoc; doc++) start[doc + 1] = start[doc] + counts[doc];
        var starts = new long[start[maxDoc]];
        var next = start[..maxDoc];
        foreach (var (ticks, inTerm) in postings)
            foreach (var doc in inTerm) starts[next[doc]++] = ticks;
        return (start, starts);
    }

    private static Dictionary<string, FixedBitSet> Postings(AtomicReader reader, string field, int maxDoc)
    {
        var sets = new Dictionary<string, FixedBitSet>(StringComparer.Ordinal);
        var terms = reader.GetTerms(field);
        if (terms is null) return sets;
        var termsEnum = terms.GetEnumerator();
        DocsEnum? docs = null;
        while (termsEnum.MoveNext())
        {
            var set = new FixedBitSet(maxDoc);
            docs = termsEnum.Docs(null, docs, DocsFlags.NONE);
            for (var doc = docs.NextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.NextDoc())
                set.Set(doc);
            sets[termsEnum.Term.Utf8ToString()] = set;
        }
        return sets;
    }
}
