using System.Diagnostics;
using System.Diagnostics.Metrics;
using Lucene.Net.Analysis;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Marketplace.Search.Lucene;

/// <summary>
/// One on-disk index (a generation): its single IndexWriter and a near-real-time SearcherManager over it.
/// A rebuild writes a new generation and swaps it in.
/// </summary>
internal sealed class LuceneGeneration : IDisposable
{
    private static readonly Meter Meter = new("Marketplace.Search.Lucene");
    private static readonly Histogram<double> RefreshMs = Meter.CreateHistogram<double>("marketplace.search.lucene.refresh", "ms", "Near-real-time reopen after a write");
    private static readonly Histogram<double> CommitMs = Meter.CreateHistogram<double>("marketplace.search.lucene.commit", "ms", "Durable commit after a write");

    private readonly LuceneDirectory _directory;

    private const string EpochKey = "storeEpoch", CursorKey = "cursor";
    private string? _epoch;
    private long _cursor;

    private LuceneGeneration(string name, LuceneDirectory directory, IndexWriter writer)
    {
        Name = name;
        _directory = directory;
        Writer = writer;
        Searchers = new SearcherManager(writer, applyAllDeletes: true, new Bm25SearcherFactory());
        var committed = writer.CommitData;
        _epoch = committed.TryGetValue(EpochKey, out var epoch) ? epoch : null;
        _cursor = committed.TryGetValue(CursorKey, out var cursor) ? long.Parse(cursor, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>The store history this generation reflects, as of its last commit plus the writes since (which the next commit records).</summary>
    public Marketplace.Core.Search.IndexWatermark Watermark => new(_epoch, Volatile.Read(ref _cursor));

    /// <summary>A write at <paramref name="version"/> (an outbox cursor) went into this generation. Under the index's write gate.</summary>
    public void Note(long version)
    {
        if (version > _cursor) Volatile.Write(ref _cursor, version);
    }

    /// <summary>The store epoch a rebuild filled this generation from; recorded by the next commit.</summary>
    public void StampEpoch(string? epoch) => _epoch = epoch;

    public string Name { get; }

    public IndexWriter Writer { get; }

    public SearcherManager Searchers { get; }

    /// <summary>Milliseconds the last refresh took; the NRT cost a write pays before it returns.</summary>
    public double LastRefreshMs { get; private set; }

    public static LuceneGeneration Open(string name, string path, Analyzer analyzer)
    {
        var directory = FSDirectory.Open(path);
        var config = new IndexWriterConfig(LuceneVersion.LUCENE_48, analyzer)
        {
            OpenMode = OpenMode.CREATE_OR_APPEND,
            Similarity = new BM25Similarity(),
        };
        return new LuceneGeneration(name, directory, new IndexWriter(directory, config));
    }

    /// <summary>Commits (a write survives a crash once acknowledged) and reopens the searcher so the write is visible.</summary>
    public void CommitAndRefresh()
    {
        var started = Stopwatch.GetTimestamp();
        // The watermark travels in the commit itself (Lucene's commit user data): it is durable exactly when the writes are.
        var data = new Dictionary<string, string> { [CursorKey] = _cursor.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (_epoch is not null) data[EpochKey] = _epoch;
        Writer.SetCommitData(data);
        Writer.Commit();
        CommitMs.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        started = Stopwatch.GetTimestamp();
        Searchers.MaybeRefreshBlocking();
        LastRefreshMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        RefreshMs.Record(LastRefreshMs);
    }

    /// <summary>The indexed version of an offering, or null when it is not in this generation.</summary>
    public long? VersionOf(string idTerm)
    {
        var searcher = Searchers.Acquire();
        try
        {
            var top = searcher.Search(new TermQuery(new Term(LuceneFields.Id, idTerm)), 1);
            if (top.TotalHits == 0) return null;
            return searcher.Doc(top.ScoreDocs[0].Doc, new HashSet<string> { LuceneFields.Version }).GetField(LuceneFields.Version).GetInt64Value();
        }
        finally
        {
            Searchers.Release(searcher);
        }
    }

    public void Dispose()
    {
        Searchers.Dispose();
        Writer.Dispose();
        _directory.Dispose();
    }
}
