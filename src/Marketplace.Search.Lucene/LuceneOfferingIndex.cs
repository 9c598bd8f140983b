using Lucene.Net.Index;
using Marketplace.Core.Search;
using Microsoft.Extensions.Options;

namespace Marketplace.Search.Lucene;

/// <summary>
/// The embedded offering index. Writes are serialised by one gate (the version check and the write must be
/// atomic) and are committed and visible to searches when they return; searches never take the gate.
/// </summary>
internal sealed class LuceneOfferingIndex : IOfferingIndex, IDisposable
{
    private readonly OfferingAnalyzers _analyzers;
    private readonly LuceneSearch _search;
    private readonly LiveGeneration _live;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SemaphoreSlim _rebuildGate = new(1, 1);
    private RebuildSession? _rebuild;
    private int _disposed;

    public LuceneOfferingIndex(IOptions<LuceneIndexOptions> options)
    {
        _analyzers = new OfferingAnalyzers(options.Value.Synonyms, options.Value.Words);
        _search = new LuceneSearch(_analyzers);
        _live = new LiveGeneration(new IndexFolder(options.Value.Directory, IndexSchema.Stamp(options.Value.Synonyms, options.Value.Words)), _analyzers.Index);
    }

    /// <summary>How long the last near-real-time reopen took, in milliseconds (for diagnostics and benchmarks).</summary>
    public double LastRefreshMs => _live.LastRefreshMs;

    /// <summary>True when no generation of this schema was on disk, so an empty one was started.</summary>
    public Task<bool> InitializeAsync(CancellationToken ct = default)
    {
        _ = _live.Current;
        return Task.FromResult(_live.StartedEmpty);
    }

    public Task<bool> IsHealthyAsync(CancellationToken ct = default)
    {
        try
        {
            var (generation, searcher) = _live.Acquire();
            generation.Searchers.Release(searcher);
            return Task.FromResult(true);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
            return Task.FromResult(false);
        }
    }

    public Task UpsertAsync(OfferingDocument document, CancellationToken ct = default) => UpsertManyAsync([document], ct);

    /// <summary>All of them under one write gate and one commit: a commit (an fsync) per document made a district change,
    /// which re-projects every offering, take minutes.</summary>
    public async Task UpsertManyAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct = default)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            var live = _live.Current;
            var written = false;
            foreach (var document in documents)
            {
                var id = LuceneDocumentMapper.IdTerm(document.Id);
                if (live.VersionOf(id) is not { } indexed || document.Version >= indexed)
                {
                    live.Writer.UpdateDocument(new Term(LuceneFields.Id, id), LuceneDocumentMapper.ToLucene(document, live.Writer.Analyzer));
                    live.Note(document.Version);
                    written = true;
                }
                _rebuild?.LiveUpsert(document);
            }
            if (written) live.CommitAndRefresh();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>The embedded index has one writer applying outbox batches in order, so the version needs no tombstone here.</summary>
    public async Task RemoveAsync(Guid offeringId, long version, CancellationToken ct = default)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            var live = _live.Current;
            live.Writer.DeleteDocuments(new Term(LuceneFields.Id, LuceneDocumentMapper.IdTerm(offeringId)));
            live.Note(version);
            live.CommitAndRefresh();
            _rebuild?.LiveRemove(offeringId, version);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public Task<SearchResult> SearchAsync(OfferingQuery query, CancellationToken ct = default)
    {
        var (generation, searcher) = _live.Acquire();
        try
        {
            return Task.FromResult(_search.Run(searcher, query));
        }
        finally
        {
            generation.Searchers.Release(searcher);
        }
    }

    public Task<long> RebuildAsync(IAsyncEnumerable<OfferingDocument> documents, CancellationToken ct = default) => RebuildAsync(documents, null, ct);

    public Task<IndexWatermark> GetWatermarkAsync(CancellationToken ct = default) => Task.FromResult(_live.Current.Watermark);

    /// <summary>Reads every live document's stored offering from one searcher (a point-in-time view).</summary>
    public async IAsyncEnumerable<IndexedOffering> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var (generation, searcher) = _live.Acquire();
        try
        {
            var fields = new HashSet<string> { LuceneFields.Source };
            foreach (var leaf in searcher.IndexReader.Leaves)
            {
                var reader = leaf.AtomicReader;
                var live = reader.LiveDocs;
                for (var doc = 0; doc < reader.MaxDoc; doc++)
                {
                    ct.ThrowIfCancellationRequested();
                    if (live is not null && !live.Get(doc)) continue;
                    var offering = Marketplace.Core.Persistence.StoreJson.Deserialize<OfferingDocument>(reader.Document(doc, fields).Get(LuceneFields.Source));
                    yield return new IndexedOffering(offering.Id, offering.Version, offering.UpdatedAt, offering.Sessions);
                }
                await Task.Yield();
            }
        }
        finally
        {
            generation.Searchers.Release(searcher);
        }
    }

    public async Task<long> RebuildAsync(IAsyncEnumerable<OfferingDocument> documents, string? storeEpoch, CancellationToken ct = default)
    {
        await _rebuildGate.WaitAsync(ct);
        try
        {
            var session = await UnderWriteGateAsync(() => _rebuild = new RebuildSession(_live.CreateNext()), ct);
            try
            {
                // Analysis (Chinese segmentation) is most of the cost: documents are mapped on every core, then written one
                // at a time under the gate (the session's version bookkeeping is not thread-safe; the order does not matter,
                // each offering appears once in the stream).
                var analyzer = session.Target.Writer.Analyzer;
                await Parallel.ForEachAsync(documents, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount },
                    async (document, token) =>
                    {
                        var mapped = LuceneDocumentMapper.ToLucene(document, analyzer);
                        await UnderWriteGateAsync(() => session.FromStream(document, mapped), token);
                    });
                // One segment serves searches fastest (one term lookup per field, one set of columns). The merge runs
                // outside the write gate: live writes meanwhile go to new small segments of the new generation.
                session.Target.Writer.ForceMerge(1);
                return await UnderWriteGateAsync(() => SwapIn(session, storeEpoch), ct);
            }
            catch
            {
                await UnderWriteGateAsync(() => Abandon(session), CancellationToken.None);
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
        // Registered under two service types, so the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        // Let an in-flight write finish; the host stops the outbox dispatcher before disposing singletons.
        var entered = _writeGate.Wait(TimeSpan.FromSeconds(30));
        _rebuild?.Target.Dispose();
        _live.Dispose();
        _analyzers.Dispose();
        if (entered) _writeGate.Release();
    }

    private long SwapIn(RebuildSession session, string? storeEpoch)
    {
        session.Target.StampEpoch(storeEpoch); // committed with the documents, before the swap: never a live index without it
        session.Target.CommitAndRefresh();
        _live.SwapTo(session.Target);
        _rebuild = null;
        return session.Target.Writer.NumDocs;
    }

    private bool Abandon(RebuildSession session)
    {
        if (_rebuild != session) return false; // already swapped in
        _rebuild = null;
        _live.Discard(session.Target);
        return true;
    }

    private Task UnderWriteGateAsync(Action action, CancellationToken ct) => UnderWriteGateAsync(() =>
    {
        action();
        return true;
    }, ct);

    private async Task<T> UnderWriteGateAsync<T>(Func<T> action, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            return action();
        }
        finally
        {
            _writeGate.Release();
        }
    }
}
