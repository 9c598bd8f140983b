using Marketplace.Core.Shared;

namespace Marketplace.Api.Outbox;

/// <summary>
/// The readiness check's watch over the index's history while the host runs: a store restored under running replicas
/// (MongoDB, after <c>mark-restored</c>) leaves them an index of the old epoch. The check reports not ready and starts one
/// rebuild in the background; the old index keeps answering searches until the new one is swapped in (alias or generation),
/// and the replica is ready again once the swap is done.
/// </summary>
internal sealed partial class IndexHistoryGuard(IndexRebuild rebuild, IHostApplicationLifetime lifetime, ILogger<IndexHistoryGuard> logger)
{
    private int _rebuilding;

    /// <summary>The mismatch (see <see cref="IndexRebuild.HistoryMismatchAsync"/>), or null; a mismatch starts a rebuild unless one runs.</summary>
    public async Task<string?> CheckAsync(CancellationToken ct)
    {
        var mismatch = await rebuild.HistoryMismatchAsync(ct);
        if (mismatch is not null && Interlocked.CompareExchange(ref _rebuilding, 1, 0) == 0)
            _ = Task.Run(RebuildAsync, CancellationToken.None);
        return mismatch;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "A background rebuild's failure is logged; the next readiness check retries.")]
    private async Task RebuildAsync()
    {
        var stopping = lifetime.ApplicationStopping;
        try
        {
            var count = await rebuild.RebuildAsync(stopping);
            LogRebuilt(logger, count);
        }
        catch (DomainRuleException)
        {
            // index-rebuild-running: another instance rebuilds the shared index
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // shutting down
        }
        catch (Exception e)
        {
            LogFailed(logger, e); // the next readiness check tries again
        }
        finally
        {
            Volatile.Write(ref _rebuilding, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Search index rebuilt for the store's current history: {Count} searchable offerings")]
    private static partial void LogRebuilt(ILogger logger, long count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rebuilding the search index for the store's current history failed")]
    private static partial void LogFailed(ILogger logger, Exception e);
}
