using Lucene.Net.Analysis;
using Lucene.Net.Search;

namespace Marketplace.Search.Lucene;

/// <summary>
/// The generation searches and writes go to: opened lazily from the folder's pointer, swapped atomically by a
/// rebuild. Acquiring a searcher and swapping share one lock, so a search never acquires from a disposed manager.
/// </summary>
internal sealed class LiveGeneration(IndexFolder folder, Analyzer analyzer) : IDisposable
{
    private readonly Lock _lock = new();
    private LuceneGeneration? _current;
    private bool _disposed;

    public LuceneGeneration Current
    {
        get { lock (_lock) return OpenLocked(); }
    }

    /// <summary>How long the last near-real-time reopen took, in milliseconds.</summary>
    public double LastRefreshMs => _current?.LastRefreshMs ?? 0;

    /// <summary>A searcher to use and release on the returned generation's manager (releasing after a swap is fine).</summary>
    public (LuceneGeneration Generation, IndexSearcher Searcher) Acquire()
    {
        lock (_lock)
        {
            var current = OpenLocked();
            return (current, current.Searchers.Acquire());
        }
    }

    public LuceneGeneration CreateNext()
    {
        var name = folder.NewGeneration();
        return LuceneGeneration.Open(name, folder.PathOf(name), analyzer);
    }

    /// <summary>Makes <paramref name="next"/> live (pointer first, so a crash right after still reopens it), then retires the old one.</summary>
    public void SwapTo(LuceneGeneration next)
    {
        folder.PointTo(next.Name);
        LuceneGeneration? old;
        lock (_lock)
        {
            old = _current;
            _current = next;
        }
        // Searches holding the old searcher keep its reader open until they release it.
        old?.Dispose();
        folder.DeleteAllExcept(next.Name);
    }

    public void Discard(LuceneGeneration abandoned)
    {
        abandoned.Writer.Rollback();
        abandoned.Dispose();
        if (_current is { } live) folder.DeleteAllExcept(live.Name);
    }

    /// <summary>Whether opening found no generation of this schema and started an empty one.</summary>
    public bool StartedEmpty { get; private set; }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            _current?.Dispose();
            _current = null;
        }
    }

    private LuceneGeneration OpenLocked()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_current is not null) return _current;
        var current = folder.Current();
        StartedEmpty = current is null;
        var name = current ?? folder.NewGeneration();
        var generation = LuceneGeneration.Open(name, folder.PathOf(name), analyzer);
        generation.CommitAndRefresh(); // a brand-new generation gets its first commit, so the pointer never names an empty folder
        folder.PointTo(name);
        folder.DeleteAllExcept(name);
        _current = generation;
        return generation;
    }
}
