using Marketplace.Core.Persistence;

namespace Marketplace.Core.Search;

/// <summary>One way the index differs from the store for one offering (and, for seats, one session).</summary>
public sealed record IndexDrift(Guid OfferingId, string Kind)
{
    /// <summary>Searchable in the store, absent from the index.</summary>
    public const string Missing = "missing";

    /// <summary>Served by the index, not searchable in the store (unknown, unpublished, paused, provider suspended).</summary>
    public const string Ghost = "ghost";

    /// <summary>The index holds another edit of the offering (<c>updatedAt</c>), or a version (outbox cursor) beyond the store's.</summary>
    public const string Version = "version";

    /// <summary>A session's free seats differ, or a future session is on one side only.</summary>
    public const string FreeSeats = "free-seats";

    public long? IndexedVersion { get; init; }
    public DateTimeOffset? StoreUpdatedAt { get; init; }
    public DateTimeOffset? IndexedUpdatedAt { get; init; }
    public Guid? SessionId { get; init; }
    public int? StoreFreeSeats { get; init; }
    public int? IndexedFreeSeats { get; init; }
}

/// <summary>The store and the index compared: whose history the index reflects, how many offerings each side holds, every drift.</summary>
public sealed record IndexReport(
    string StoreEpoch, long StoreCursor, string? IndexEpoch, long IndexCursor, string? History, int Searchable, int Indexed, IReadOnlyList<IndexDrift> Drifts)
{
    /// <summary>The index reflects the store's history and holds exactly what the store makes searchable.</summary>
    public bool InStep => History is null && Drifts.Count == 0;
}

/// <summary>
/// Compares every searchable offering of the store (as the projection would write it now) with what the index serves: presence,
/// version and free seats. Sessions that ended since they were indexed are not drift (the index is not rewritten as time passes;
/// searches ignore them).
/// </summary>
public sealed class IndexVerification(IOfferingIndex index, IOutboxFeed feed, IStoreEpoch epochs, OfferingProjection projection, TimeProvider clock)
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
