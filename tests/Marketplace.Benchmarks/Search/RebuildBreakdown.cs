using System.Diagnostics;
using System.Globalization;
using Lucene.Net.Analysis.Cn.Smart;
using Lucene.Net.Util;
using Marketplace.Core.Persistence;
using Marketplace.Core.Search;
using Marketplace.Core.Shared;
using Marketplace.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Benchmarks.Search;

/// <summary>
/// Where a start-up rebuild spends its time, measured in-process on the same store: reading and projecting every
/// offering (what the host streams into the index), and Chinese segmentation (SmartCn HMM) of a sample's text fields.
/// </summary>
internal static class RebuildBreakdown
{
    public static async Task<List<string>> MeasureAsync(string databasePath, int analysisSample)
    {
        await using var services = new ServiceCollection().AddSqliteStore(o => o.DatabasePath = databasePath).BuildServiceProvider();
        var projection = new OfferingProjection(services.GetRequiredService<IMarketplaceStore>(), new NoIndex(), TimeProvider.System);
        var sample = new List<OfferingDocument>(analysisSample);
        var count = 0;
        var started = Stopwatch.GetTimestamp();
        await foreach (var doc in projection.AllDocumentsAsync(0))
        {
            if (sample.Count < analysisSample) sample.Add(doc);
            count++;
        }
        var readSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        using var analyzer = new SmartChineseAnalyzer(LuceneVersion.LUCENE_48);
        var tokens = 0L;
        started = Stopwatch.GetTimestamp();
        foreach (var doc in sample)
            foreach (var text in new[] { doc.Title, doc.Summary, doc.Description, doc.ProviderName }.Concat(doc.Tags))
                tokens += Tokens(analyzer, text);
        var analysisSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return
        [
            Invariant($"rebuild breakdown (in-process, same store): store read + projection of {count} documents {readSeconds:F1} s = {count / readSeconds:F0} docs/s"),
            Invariant($"  SmartCn segmentation of {sample.Count} documents' text fields ({tokens} tokens): {analysisSeconds:F1} s = {sample.Count / analysisSeconds:F0} docs/s"),
        ];
    }

    private static int Tokens(SmartChineseAnalyzer analyzer, string text)
    {
        using var stream = analyzer.GetTokenStream("f", text);
        stream.Reset();
        var n = 0;
        while (stream.IncrementToken()) n++;
        stream.End();
        return n;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>The projection's constructor wants an index; reading documents never touches it.</summary>
    private sealed class NoIndex : IOfferingIndex
    {
        public Task<bool> InitializeAsync(CancellationToken ct = default) => Task.FromResult(false);
        public Task<bool> IsHealthyAsync(CancellationToken ct = default) => Task.FromResult(true);
        public Task UpsertAsync(OfferingDocument document, CancellationToken ct = default) => Task.CompletedTask;
        public Task RemoveAsync(Guid offeringId, long version, CancellationToken ct = default) => Task.CompletedTask;
        public Task<SearchResult> SearchAsync(OfferingQuery query, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<long> RebuildAsync(IAsyncEnumerable<OfferingDocument> documents, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<long> RebuildAsync(IAsyncEnumerable<OfferingDocument> documents, string? storeEpoch, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<IndexWatermark> GetWatermarkAsync(CancellationToken ct = default) => throw new NotSupportedException();
        public IAsyncEnumerable<IndexedOffering> ListAsync(CancellationToken ct = default) => throw new NotSupportedException();
    }
}
