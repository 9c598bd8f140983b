using Marketplace.Core.Search;

namespace Marketplace.Search.Lucene;

/// <summary>A matching document as the collector ranks it; <see cref="Key"/> is the price or next-start ticks, by sort.</summary>
internal readonly record struct Candidate(int Doc, float Score, double DistanceKm, long Key);

/// <summary>Orders candidates best first for a sort; ties fall back to score, then index order, so paging is stable.</summary>
internal sealed class CandidateOrder(SearchSort sort) : IComparer<Candidate>
{
    public int Compare(Candidate x, Candidate y)
    {
        var primary = ComparePrimary(x.DistanceKm, x.Key, y);
        if (primary != 0) return primary;
        var byScore = y.Score.CompareTo(x.Score);
        return byScore != 0 ? byScore : x.Doc.CompareTo(y.Doc);
    }

    /// <summary>The sort key alone (no score): lets the collector turn a document away before scoring it.</summary>
    public int ComparePrimary(double distanceKm, long key, Candidate y) => sort switch
    {
        SearchSort.Distance => MissingLast(distanceKm).CompareTo(MissingLast(y.DistanceKm)),
        SearchSort.Price or SearchSort.Soonest => key.CompareTo(y.Key),
        _ => 0,
    };

    private static double MissingLast(double distance) => double.IsNaN(distance) ? double.PositiveInfinity : distance;
}
