using Lucene.Net.Index;
using Lucene.Net.Search;
using Marketplace.Core.Search;
using Microsoft.Extensions.Options;

namespace Marketplace.Search.Lucene;

/// <summary>
/// The embedded offering index. Writes are serialised by one gate (the version check and the write must be
/// atomic) and are committed and visible to searches when they return; searches never take the gate.
/// </summary>
internal sealed class LuceneOfferingIndex : IOfferingIndex, IDisposable
{
    private readonly IndexFolder _folder;
    private readonly OfferingAnalyzers _analyzers;
    private readonly LuceneSearch _search;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SemaphoreSlim _rebuildGate = new(1, 1);
    private readonly Lock _swap = new();
    private LuceneGeneration? _live;
    private RebuildSession? _rebuild;
    private bool _disposed;

    public LuceneOfferingIndex(IOptions<LuceneIndexOptions> options)
    {
        _folder = new IndexFolder(options.Value.Directory);
        _analyzers = new OfferingAnalyzers(options.Value.Synonyms);
        _search = new LuceneSearch(_analyzers);
    }

    /// <summary>How long the last near-real-time reopen took, in milliseconds (for diagnostics and benchmarks).</summary>
    public double LastRefreshMs => _live?.LastRefreshMs ?? 0;

    public Task InitializeAsync(CancellationToken ct = default)
    {
        lock (_swap) OpenLocked();
        return Task.CompletedTask;
    }

    public Task<bool> IsHealthyAsync(CancellationToken ct = default)
    {
        try
        {
            var (generation, searcher) = Acquire();
            generation.Searchers.Release(searcher);
            return Task.FromResult(true);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
            return Task.FromResult(false);
        }
    }

    public async Task UpsertAsync(OfferingDocument document, CancellationToken ct = default)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            var live = Live();
            var id = LuceneDocumentMapper.IdTerm(document.Id);
            if (live.VersionOf(id) is not { } indexed || document.Version >= indexed)
            {
                live.Writer.UpdateDocument(new Term(LuceneFields.Id, id), LuceneDocumentMapper.ToLucene(document));
                live.CommitAndRefresh();
            }
            _rebuild?.LiveUpsert(document);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task RemoveAsync(Guid offeringId, CancellationToken ct = default)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            var live = Live();
            live.Writer.DeleteDocuments(new Term(LuceneFields.Id, LuceneDocumentMapper.IdTerm(offeringId)));
            live.CommitAndRefresh();
            _rebuild?.LiveRemove(offeringId);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public Task<SearchResult> SearchAsync(OfferingQuery query, CancellationToken ct = default)
    {
        var (generation, searcher) = Acquire();
        try
        {
            return Task.FromResult(_search.Run(searcher, query));
        }
        finally
        {
            generation.Searchers.Release(searcher);
        }
    }

    public async Task<long> RebuildAsync(IAsyncEnumerable<OfferingDocument> documents, CancellationToken ct = default)
    {
        await _rebuildGate.WaitAsync(ct);
        try
        {
            var session = await StartRebuildAsync(ct);
            try
            {
                await foreach (var document in documents.WithCancellation(ct))
                {
                    await _writeGate.WaitAsync(ct);
                    try { session.FromStream(document); }
                    finally { _writeGate.Release(); }
                }
                return await SwapInAsync(session, ct);
            }
            catch
            {
                await AbandonAsync(session);
                throw;
            }
        }
        finally
        {
            _rebuildGate.Release();
        }
    }

    public void Dispose()
    {
        // Let an in-flight write finish; the host stops the outbox dispatcher before disposing singletons.
        var entered = _writeGate.Wait(TimeSpan.FromSeconds(30));
        lock (_swap)
        {
            if (_disposed) return;
            _disposed = true;
            _rebuild?.Target.Dispose();
            _live?.Dispose();
            _live = null;
        }
        _analyzers.Dispose();
        if (entered) _writeGate.Release();
    }

    private async Task<RebuildSession> StartRebuildAsync(CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            Live();
            var name = _folder.NewGeneration();
            _rebuild = new RebuildSession(LuceneGeneration.Open(name, _folder.PathOf(name), _analyzers.Index));
            return _rebuild;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<long> SwapInAsync(RebuildSession session, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            session.Target.CommitAndRefresh();
            _folder.PointTo(session.Target.Name);
            LuceneGeneration? old;
            lock (_swap)
            {
                old = _live;
                _live = session.Target;
            }
            _rebuild = null;
            // Searches that acquired the old searcher keep their reader until they release it.
            old?.Dispose();
            _folder.DeleteAllExcept(session.Target.Name);
            return session.Target.Writer.NumDocs;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task AbandonAsync(RebuildSession session)
    {
        await _writeGate.WaitAsync(CancellationToken.None);
        try
        {
            if (_rebuild != session) return; // already swapped in
            _rebuild = null;
            session.Target.Writer.Rollback();
            session.Target.Dispose();
            var live = _live?.Name;
            if (live is not null) _folder.DeleteAllExcept(live);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private LuceneGeneration Live()
    {
        lock (_swap) return OpenLocked();
    }

    private (LuceneGeneration Generation, IndexSearcher Searcher) Acquire()
    {
        lock (_swap)
        {
            var live = OpenLocked();
            return (live, live.Searchers.Acquire());
        }
    }

    private LuceneGeneration OpenLocked()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_live is not null) return _live;
        var name = _folder.Current() ?? _folder.NewGeneration();
        var generation = LuceneGeneration.Open(name, _folder.PathOf(name), _analyzers.Index);
        generation.CommitAndRefresh(); // a brand-new generation gets its first commit, so the pointer never names an empty folder
        _folder.PointTo(name);
        _folder.DeleteAllExcept(name);
        _live = generation;
        return generation;
    }
}
