using Marketplace.Core.Persistence;
using Marketplace.Core.Search;

namespace Marketplace.Api.Outbox;

/// <summary>A verification's outcome: the report before anything was changed and, after a repair, the report that followed it.</summary>
public sealed record IndexVerifyOutcome(IndexReport Found, IndexReport? AfterRepair, bool Rebuilt)
{
    /// <summary>What remains: the report after the repair, or the one found.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IndexReport Remaining => AfterRepair ?? Found;
}

/// <summary>
/// <c>verify-index [--repair]</c> and its endpoints: compares the index with the store (<see cref="IndexVerification"/>) and,
/// asked to, repairs it — re-projecting the drifted offerings, or rebuilding when the index reflects another history or holds
/// versions beyond the store's (a versioned write below them would be ignored, so only a new index fixes that).
/// In a running host the projection lags commits by a moment: the comparison waits for it to catch up, and a drift counts only
/// if a second comparison, after it caught up again, still finds it.
/// </summary>
internal sealed class IndexVerify(IndexVerification verification, IndexRebuild rebuild, IOutboxFeed feed, IndexProjectionConsumer consumer, TimeProvider clock)
{
    private static readonly TimeSpan CatchUpWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CatchUpStep = TimeSpan.FromMilliseconds(50);

    /// <param name="projectionRuns">A host's dispatcher feeds the index (wait for it); the CLI has none.</param>
    public async Task<IndexVerifyOutcome> RunAsync(bool repair, bool projectionRuns, CancellationToken ct)
    {
        var found = await CompareSettledAsync(projectionRuns, ct);
        if (!repair || found.InStep) return new IndexVerifyOutcome(found, null, false);
        var rebuilt = found.History is not null || found.Drifts.Any(d => d.IndexedVersion > found.StoreCursor);
        if (rebuilt) await rebuild.RebuildAsync(ct);
        else await verification.RepairAsync([.. found.Drifts.Select(d => d.OfferingId).Distinct()], ct);
        return new IndexVerifyOutcome(found, await CompareSettledAsync(projectionRuns, ct), rebuilt);
    }

    private async Task<IndexReport> CompareSettledAsync(bool projectionRuns, CancellationToken ct)
    {
        if (!projectionRuns) return await verification.CompareAsync(ct);
        await CaughtUpAsync(ct);
        var first = await verification.CompareAsync(ct);
        if (first.Drifts.Count == 0) return first;
        await CaughtUpAsync(ct);
        var second = await verification.CompareAsync(ct);
        var before = first.Drifts.Select(Key).ToHashSet();
        return second with { Drifts = [.. second.Drifts.Where(d => before.Contains(Key(d)))] };
    }

    private static (Guid, string, Guid?) Key(IndexDrift drift) => (drift.OfferingId, drift.Kind, drift.SessionId);

    /// <summary>Until the index consumer's checkpoint reaches the newest cursor of now (at most <see cref="CatchUpWait"/>).</summary>
    private async Task CaughtUpAsync(CancellationToken ct)
    {
        var target = await feed.GetLatestCursorAsync(ct);
        var giveUpAt = clock.GetUtcNow() + CatchUpWait;
        while (clock.GetUtcNow() < giveUpAt)
        {
            var stored = await feed.GetCheckpointAsync(consumer.Name, ct);
            if ((stored < 0 ? ~stored : stored) >= target) return;
            await Task.Delay(CatchUpStep, clock, ct);
        }
    }
}
