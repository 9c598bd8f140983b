using Marketplace.Core.Persistence;
using Marketplace.Core.Search;

namespace Marketplace.Api.Outbox;

/// <summary>
/// Compares every searchable offering of the store (as the projection would write it now) with what the index serves: presence,
/// version and free seats. Sessions that ended since they were indexed are not drift (the index is not rewritten as time passes;
/// searches ignore them).
/// </summary>
internal sealed class IndexVerification(IOfferingIndex index, IOutboxFeed feed, IStoreEpoch epochs, OfferingProjection projection, TimeProvider clock)
{
    public async Task<IndexReport> CompareAsync(CancellationToken ct = default)
    {
        // The index first: whatever it holds was committed before the store's cursor is read, so within one history it cannot be ahead.
        var watermark = await index.GetWatermarkAsync(ct);
        var epoch = await epochs.GetEpochAsync(ct);
        var cursor = await feed.GetLatestCursorAsync(ct);
        var expected = new Dictionary<Guid, OfferingDocument>();
        await foreach (var document in projection.AllDocumentsAsync(cursor, ct)) expected[document.Id] = document;
        var drifts = new List<IndexDrift>();
        var seen = new HashSet<Guid>();
        var now = clock.GetUtcNow();
        await foreach (var actual in index.ListAsync(ct))
        {
            seen.Add(actual.Id);
            if (!expected.TryGetValue(actual.Id, out var wanted))
                drifts.Add(new IndexDrift(actual.Id, IndexDrift.Ghost) { IndexedVersion = actual.Version, IndexedUpdatedAt = actual.UpdatedAt });
            else if (actual.Version > cursor || actual.UpdatedAt != wanted.UpdatedAt)
                drifts.Add(new IndexDrift(actual.Id, IndexDrift.Version)
                {
                    IndexedVersion = actual.Version, IndexedUpdatedAt = actual.UpdatedAt, StoreUpdatedAt = wanted.UpdatedAt,
                });
            else
                drifts.AddRange(SeatDrifts(wanted, actual, now));
        }
        drifts.AddRange(expected.Values.Where(d => !seen.Contains(d.Id)).Select(d => new IndexDrift(d.Id, IndexDrift.Missing) { StoreUpdatedAt = d.UpdatedAt }));
        return new IndexReport(epoch, cursor, watermark.Epoch, watermark.Cursor, watermark.MismatchWith(epoch, cursor), expected.Count, seen.Count, drifts);
    }

    /// <summary>Projects the offerings again at the store's newest cursor (upsert when searchable, else removal).</summary>
    public async Task RepairAsync(IReadOnlyCollection<Guid> offeringIds, CancellationToken ct = default) =>
        await projection.ReprojectAsync(offeringIds, await feed.GetLatestCursorAsync(ct), ct);

    private static IEnumerable<IndexDrift> SeatDrifts(OfferingDocument wanted, IndexedOffering actual, DateTimeOffset now)
    {
        var indexed = actual.Sessions.ToDictionary(s => s.Id);
        foreach (var session in wanted.Sessions)
        {
            int? there = indexed.Remove(session.Id, out var slot) ? slot.FreeSeats : null;
            if (there != session.FreeSeats)
                yield return new IndexDrift(wanted.Id, IndexDrift.FreeSeats) { SessionId = session.Id, StoreFreeSeats = session.FreeSeats, IndexedFreeSeats = there };
        }
        foreach (var extra in indexed.Values.Where(s => s.EndsAt > now))
            yield return new IndexDrift(wanted.Id, IndexDrift.FreeSeats) { SessionId = extra.Id, IndexedFreeSeats = extra.FreeSeats };
    }
}
