using Marketplace.Core.Catalog;
using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

public sealed class WaitlistOptions
{
    /// <summary>How long a held group has to accept before the seats pass on (Marketplace:Waitlist:HoldDuration).</summary>
    public TimeSpan HoldDuration { get; set; } = TimeSpan.FromHours(12);

    /// <summary>The most live entries one session's waiting list takes (Marketplace:Waitlist:MaxEntriesPerSession).</summary>
    public int MaxEntriesPerSession { get; set; } = 50;
}

/// <summary>
/// Hands freed seats to the waiting list in the same commit that frees them. Used instead of <c>store.CommitAsync</c> by every
/// commit that releases seats (cancel, decline, expiry, suspension declines, lapse, leave): for each session the change set
/// releases k seats on, the Waiting entries are walked in queue order and every one that fits the seats left (k plus the f
/// seats the session had free when read) is held — its seats reserved in the same change set, after the releases, so a hold
/// within k cannot fail. If one counting on f fails (f was taken meanwhile), the holds are planned again within k only.
/// While groups are left waiting, the commit also carries the session as read (a version guard), so releases committing in
/// parallel are each planned on the seats the others freed. A conflict on an entry or that guard is planned again here
/// (up to <see cref="EntryAttempts"/> times); a conflict on the caller's documents goes to its <see cref="ConcurrentChange.RetryAsync"/>.
/// </summary>
public sealed class WaitlistPromotion(IMarketplaceStore store, TimeProvider clock, WaitlistOptions options, BookingOptions booking)
{
    /// <summary>Entries read per session and commit: a queue is at most <see cref="WaitlistOptions.MaxEntriesPerSession"/> long.</summary>
    private const int QueueWindow = 50;

    /// <summary>How often one commit plans its holds again because other commits held the same entries or freed seats first.</summary>
    private const int EntryAttempts = 10;

    public async Task CommitAsync(StoreChanges changes, CancellationToken ct = default)
    {
        var released = changes.Seats.GroupBy(s => s.SessionId).Select(g => (Session: g.Key, Seats: -g.Sum(s => s.Delta)))
            .Where(r => r.Seats > 0).ToDictionary(r => r.Session, r => r.Seats);
        if (released.Count == 0)
        {
            await store.CommitAsync(changes, ct);
            return;
        }
        var countFree = true;
        for (var attempt = 1; ; attempt++)
        {
            var planned = await PlanAsync(changes, released, countFree, ct);
            try
            {
                await store.CommitAsync(planned, ct);
                return;
            }
            catch (SeatsUnavailableException) when (countFree)
            {
                // Seats that were free when read have been taken since: hold within the released seats only, which cannot fail.
                countFree = false;
            }
            catch (ConcurrencyConflictException) when (attempt < EntryAttempts)
            {
                // Another release held (or a school left) one of these entries first, or freed seats on a guarded session: the
                // caller's own change still stands, so plan the holds again on the queue and seats as they are now.
                if (!await AnyPlannedWriteMovedAsync(changes, planned, ct)) throw;
                await Task.Delay(Random.Shared.Next(1 << Math.Min(attempt, 5)), ct);
            }
        }
    }

    /// <summary>
    /// Plans again when an entry this commit would hold, or a session it guards, moved meanwhile; a conflict on the caller's
    /// own documents goes to the caller.
    /// </summary>
    private async Task<bool> AnyPlannedWriteMovedAsync(StoreChanges original, StoreChanges planned, CancellationToken ct)
    {
        var added = planned.Writes.Skip(original.Writes.Count).ToList();
        if (added.Count == 0) return false;
        var expected = added.ToDictionary(w => w.Document.Id, w => w.ExpectedVersion);
        var entries = await store.FindManyAsync<WaitlistEntry>(added.Where(w => w.Document is WaitlistEntry).Select(w => w.Document.Id).ToArray(), ct);
        var sessions = await store.FindManyAsync<Session>(added.Where(w => w.Document is Session).Select(w => w.Document.Id).ToArray(), ct);
        return entries.Any(e => e.Version != expected[e.Id]) || sessions.Any(s => s.Version != expected[s.Id]);
    }

    /// <summary>
    /// The repair pass: holds seats for Waiting groups that fit a session's free seats (a join and a release that committed
    /// between each other's reads). Returns how many entries it held.
    /// </summary>
    public async Task<int> PromoteAsync(Guid sessionId, CancellationToken ct = default)
    {
        var changes = await PlanAsync(new StoreChanges(), new Dictionary<Guid, int> { [sessionId] = 0 }, countFree: true, ct);
        if (!changes.Writes.Any(w => w.Document is WaitlistEntry)) return 0;
        try
        {
            await store.CommitAsync(changes, ct);
        }
        catch (Exception e) when (e is SeatsUnavailableException or ConcurrencyConflictException)
        {
            return 0; // taken or changed meanwhile: the next pass looks again
        }
        return changes.Writes.Count(w => w.Document is WaitlistEntry);
    }

    private async Task<StoreChanges> PlanAsync(StoreChanges original, IReadOnlyDictionary<Guid, int> released, bool countFree, CancellationToken ct)
    {
        var changes = Copy(original);
        var now = clock.GetUtcNow();
        var touched = original.Writes.Select(w => w.Document.Id).ToHashSet();
        foreach (var (sessionId, seats) in released)
        {
            // What this change set writes is what the commit leaves: a provider suspended or a session cancelled by it holds nothing.
            var session = Written<Session>(original, sessionId) ?? await store.FindAsync<Session>(sessionId, ct);
            if (session is null || session.Status != SessionStatus.Scheduled) continue;
            var offering = Written<Offering>(original, session.OfferingId) ?? await store.FindAsync<Offering>(session.OfferingId, ct);
            var provider = offering is null ? null : Written<Provider>(original, offering.ProviderId) ?? await store.FindAsync<Provider>(offering.ProviderId, ct);
            if (offering is null || provider is null || !OfferingQueries.IsPublic(offering, provider)) continue;
            // Accepting books, so the hold ends where bookings close: the offering's lead time before the start.
            var until = Min(now + options.HoldDuration, session.StartsAt - BookingEligibility.LeadTime(offering, booking));
            if (until <= now) continue;

            var left = seats + (countFree ? session.FreeSeats : 0);
            if (left <= 0) continue;
            var waiting = await store.ListWaitlistAsync(new WaitlistFilter(SessionId: sessionId, Status: WaitlistStatus.Waiting, Limit: QueueWindow), ct);
            foreach (var entry in waiting)
            {
                if (entry.Pupils > left || touched.Contains(entry.Id) || !DistrictReach.IsShownIn(offering, provider, entry.DistrictCode)) continue;
                var expected = entry.Version;
                entry.Hold(until, now);
                changes.Update(entry, expected).ReserveSeats(sessionId, entry.Pupils).Publish(BookingEvents.WaitlistChanged(entry, WaitlistStatus.Waiting, now));
                left -= entry.Pupils;
            }
            // Groups still waiting: guard the session as read. Another release committing meanwhile (which this plan did not
            // count in f) then makes this commit plan again with those seats, so small releases in parallel add up to a hold
            // instead of each seeing too few seats. Without a waiting group left there is no guard and no extra contention.
            if (waiting.Any(e => e.Status == WaitlistStatus.Waiting && !touched.Contains(e.Id)) && Written<Session>(original, sessionId) is null)
                changes.Update(session, session.Version);
        }
        return changes;
    }

    private static T? Written<T>(StoreChanges changes, Guid id) where T : class, IAggregate =>
        changes.Writes.Select(w => w.Document).OfType<T>().LastOrDefault(d => d.Id == id);

    /// <summary>The same change set, to which holds are added (a second plan starts again from the original).</summary>
    private static StoreChanges Copy(StoreChanges source)
    {
        var copy = new StoreChanges();
        foreach (var district in source.Districts) copy.PutDistrict(district);
        foreach (var write in source.Writes)
            _ = write.Kind switch
            {
                WriteKind.Insert => copy.Insert(write.Document),
                WriteKind.Update => copy.Update(write.Document, write.ExpectedVersion),
                _ => copy.Delete(write.Document, write.ExpectedVersion),
            };
        foreach (var seat in source.Seats)
            _ = seat.Delta > 0 ? copy.ReserveSeats(seat.SessionId, seat.Delta) : copy.ReleaseSeats(seat.SessionId, -seat.Delta);
        foreach (var message in source.Events) copy.Publish(message);
        if (source.Idempotency is { } record) copy.Remember(record);
        return copy;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
