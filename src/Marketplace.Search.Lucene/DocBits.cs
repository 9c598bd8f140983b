using System.Buffers;
using System.Numerics;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Document sets of one segment as plain bit arrays (bit d of word d/64), the same layout as Lucene's FixedBitSet, so
/// filters combine with a word-wise AND and facet counts are population counts of intersections.
/// </summary>
internal static class DocBits
{
    public static int Words(int maxDoc) => (maxDoc + 63) >> 6;

    public static bool Get(long[] bits, int doc) => (bits[doc >> 6] & (1L << doc)) != 0;

    public static void Set(long[] bits, int doc) => bits[doc >> 6] |= 1L << doc;

    public static void Clear(long[] bits, int doc) => bits[doc >> 6] &= ~(1L << doc);

    /// <summary>Every document below <paramref name="maxDoc"/>.</summary>
    public static long[] All(int maxDoc)
    {
        var bits = new long[Words(maxDoc)];
        Array.Fill(bits, -1L);
        if ((maxDoc & 63) != 0) bits[^1] = (1L << maxDoc) - 1;
        return bits;
    }

    /// <summary>target &amp;= other over the first <paramref name="words"/> words.</summary>
    public static void And(long[] target, long[] other, int words)
    {
        for (var i = 0; i < words; i++) target[i] &= other[i];
    }

    public static void Or(long[] target, long[] other, int words)
    {
        for (var i = 0; i < words; i++) target[i] |= other[i];
    }

    public static long Count(long[] bits, int words)
    {
        long count = 0;
        for (var i = 0; i < words; i++) count += BitOperations.PopCount((ulong)bits[i]);
        return count;
    }

    public static long IntersectionCount(long[] a, long[] b, int words)
    {
        long count = 0;
        for (var i = 0; i < words; i++) count += BitOperations.PopCount((ulong)(a[i] & b[i]));
        return count;
    }

    /// <summary>The next set bit at or after <paramref name="from"/>, or -1.</summary>
    public static int Next(long[] bits, int from, int words)
    {
        var word = from >> 6;
        if (word >= words) return -1;
        var current = bits[word] & (-1L << from);
        while (true)
        {
            if (current != 0) return (word << 6) + BitOperations.TrailingZeroCount(current);
            if (++word >= words) return -1;
            current = bits[word];
        }
    }
}

/// <summary>Bit arrays borrowed from the shared pool for one search and returned together when it ends.</summary>
internal sealed class BitsRental : IDisposable
{
    private readonly List<long[]> _rented = [];
    private readonly List<double[]> _doubles = [];

    /// <summary>An array of at least <paramref name="count"/> NaNs (a value per document, none known yet).</summary>
    public double[] Distances(int count)
    {
        var values = ArrayPool<double>.Shared.Rent(Math.Max(1, count));
        Array.Fill(values, double.NaN, 0, count);
        _doubles.Add(values);
        return values;
    }

    /// <summary>A cleared array of at least <paramref name="words"/> words.</summary>
    public long[] Cleared(int words)
    {
        var bits = ArrayPool<long>.Shared.Rent(Math.Max(1, words));
        Array.Clear(bits, 0, words);
        _rented.Add(bits);
        return bits;
    }

    public long[] CopyOf(long[] source, int words)
    {
        var bits = ArrayPool<long>.Shared.Rent(Math.Max(1, words));
        Array.Copy(source, bits, words);
        _rented.Add(bits);
        return bits;
    }

    public void Dispose()
    {
        foreach (var bits in _rented) ArrayPool<long>.Shared.Return(bits);
        foreach (var values in _doubles) ArrayPool<double>.Shared.Return(values);
        _rented.Clear();
        _doubles.Clear();
    }
}
