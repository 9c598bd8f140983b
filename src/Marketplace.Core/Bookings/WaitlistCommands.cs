using Marketplace.Core.Catalog;
using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

public sealed record JoinWaitlistRequest(int? Pupils, IReadOnlyList<int>? Grades, string? ContactName, string? ContactPhone, string? Note);

/// <summary>The session still has the seats the group wants: book directly (409 with <c>seatsLeft</c>).</summary>
public sealed class WaitlistSeatsFreeException(int seatsLeft) : DomainRuleException("waitlist-seats-free", seatsLeft)
{
    public int SeatsLeft { get; } = seatsLeft;
    public override IReadOnlyDictionary<string, object?> Extensions => new Dictionary<string, object?> { ["seatsLeft"] = SeatsLeft };
}

/// <summary>
/// A school joins a full session's waiting list, leaves it, or accepts the seats held for it; the sweep lapses holds that ran
/// out. Every commit that frees seats goes through <see cref="WaitlistPromotion"/>, so the next fitting group is held in it.
/// </summary>
public sealed class WaitlistCommands(IMarketplaceStore store, WaitlistQueries queries, WaitlistPromotion promotion, TimeProvider clock, WaitlistOptions options, BookingOptions bookingOptions,
    Settlement.QuoteService quotes)
{
    /// <summary>
    /// Joins only when the session cannot take the group now. The unchanged session goes into the commit as a guard: a seat
    /// change since it was read makes the join decide again. Returns the entry and whether it is new (an identical live entry
    /// of the same school is answered again).
    /// </summary>
    public Task<(WaitlistEntry Entry, bool Created)> JoinAsync(Caller caller, Guid sessionId, JoinWaitlistRequest r, CancellationToken ct = default) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            if (caller.Role != Role.School) throw new ForbiddenException("forbidden.schools-book");
            Validate(r);
            var now = clock.GetUtcNow();
            var (session, offering, provider, school) = await LoadBookableAsync(caller, sessionId, ct);
            var (reach, _) = await BookingEligibility.ReachAsync(store, offering, provider, school, () => new NotFoundException("session", sessionId), ct);
            BookingEligibility.CheckRules(session, offering, school, reach, r.Pupils!.Value, r.Grades!, now);
            BookingEligibility.CheckLeadTime(session, offering, bookingOptions, now); // inside it nothing could be held any more

            var queue = await store.ListWaitlistAsync(new WaitlistFilter(SessionId: sessionId, Limit: 10_000), ct);
            if (queue.FirstOrDefault(e => e.IsLive && e.SchoolId == school.Id) is { } mine)
                return mine.SameGroup(r.Pupils.Value, r.Grades!, r.ContactName!, r.ContactPhone!, r.Note)
                    ? (mine, false) : throw new DomainRuleException("waitlist-duplicate", mine.Id);
            if (session.FreeSeats >= r.Pupils.Value) throw new WaitlistSeatsFreeException(session.FreeSeats);
            if (queue.Count(e => e.IsLive) >= options.MaxEntriesPerSession) throw new DomainRuleException("waitlist-full", options.MaxEntriesPerSession);

            var entry = WaitlistEntry.Join(new WaitlistJoinFacts(session.Id, offering.Id, provider.Id, school.Id, school.DistrictCode, r.Pupils.Value,
                r.Grades!, r.ContactName!, r.ContactPhone!, r.Note), now, caller.AuditName);
            try
            {
                await store.CommitAsync(new StoreChanges().Insert(entry).Update(session, session.Version)
                    .Publish(BookingEvents.WaitlistChanged(entry, null, now)), ct);
            }
            catch (DuplicateException e) when (e.Field == "activeKey")
            {
                // The same school joined at the same moment: decide again on what it committed.
                throw new ConcurrencyConflictException(nameof(WaitlistEntry), entry.Id);
            }
            return (entry, true);
        });

    /// <summary>
    /// The school takes the seats held for it: the entry becomes Accepted and a Requested booking is made in the same commit,
    /// with no seat change (the held seats pass to the booking). Repeated: the same booking, not new.
    /// </summary>
    public Task<(Booking Booking, bool Created)> AcceptAsync(Caller caller, Guid sessionId, Guid entryId, CancellationToken ct = default) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            var entry = await OwnEntryAsync(caller, sessionId, entryId, ct);
            if (entry is { Status: WaitlistStatus.Accepted, BookingId: { } bookingId })
                return (await store.FindAsync<Booking>(bookingId, ct) ?? throw new NotFoundException("booking", bookingId), false);
            var now = clock.GetUtcNow();
            if (entry is { Status: WaitlistStatus.Held } && now >= entry.HeldUntil)
            {
                // The hold ran out. What was read may be stale (a twin request may have accepted just in time), so the lapse
                // is written against the version read: if that fails, the retry reads the entry again and answers with its booking.
                var version = entry.Version;
                entry.Lapse(now);
                await promotion.CommitAsync(Released(new StoreChanges(), entry, version, WaitlistStatus.Held, true, now), ct);
                throw new DomainRuleException("waitlist-hold-expired", entry.HeldUntil);
            }
            var session = await store.FindAsync<Session>(entry.SessionId, ct) ?? throw new NotFoundException("session", sessionId);
            var offering = await store.FindAsync<Offering>(entry.OfferingId, ct) ?? throw new NotFoundException("session", sessionId);
            var provider = await store.FindAsync<Provider>(entry.ProviderId, ct) ?? throw new NotFoundException("session", sessionId);
            var school = await store.FindAsync<School>(entry.SchoolId, ct) ?? throw new NotFoundException("school", entry.SchoolId);
            var district = (await store.ListDistrictsAsync(ct)).FirstOrDefault(d => d.Code == school.DistrictCode)?.Name ?? school.DistrictCode;
            var snapshot = BookingQueries.SnapshotOf(offering, provider, school, session, district);
            var quote = (await quotes.QuoteAsync(school, offering.Content, [(session.StartsAt, session.EndsAt)], entry.Pupils, 0, entry.Grades, ct))[0];
            var booking = Booking.Request(new BookingRequestFacts(session.Id, offering.Id, provider.Id, school.Id, school.DistrictCode, entry.Pupils,
                entry.Grades, entry.ContactName, entry.ContactPhone, entry.Note, offering.Content.PriceFen, session.StartsAt,
                offering.Content.CancellationCutoffHours, bookingOptions.ResponseWindow, snapshot) { Quote = quote }, now, caller.AuditName);
            var (old, expected) = (entry.Status, entry.Version);
            entry.Accept(booking.Id, now, caller.AuditName);
            await store.CommitAsync(new StoreChanges().Update(entry, expected).Insert(booking)
                .Publish(BookingEvents.WaitlistChanged(entry, old, now)).Publish(BookingEvents.Changed(booking, null, now)), ct);
            return (booking, true);
        });

    /// <summary>The school leaves the list; seats held for it go to the next group that fits, in the same commit. Leaving twice is no error.</summary>
    public Task LeaveAsync(Caller caller, Guid sessionId, Guid entryId, CancellationToken ct = default) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            var entry = await OwnEntryAsync(caller, sessionId, entryId, ct);
            if (entry.Status == WaitlistStatus.Left) return 0;
            var now = clock.GetUtcNow();
            var (old, expected, held) = (entry.Status, entry.Version, entry.HoldsSeats);
            entry.Leave(now, caller.AuditName);
            await promotion.CommitAsync(Released(new StoreChanges(), entry, expected, old, held, now), ct);
            return 1;
        });

    /// <summary>Lapses holds that ran out (their seats pass to the next group in the same commit). Returns how many.</summary>
    public async Task<int> LapseOverdueAsync(CancellationToken ct = default)
    {
        var overdue = await store.ListWaitlistAsync(new WaitlistFilter(Status: WaitlistStatus.Held, HeldBefore: clock.GetUtcNow(), Limit: 200), ct);
        var lapsed = 0;
        foreach (var found in overdue)
        {
            lapsed += await ConcurrentChange.RetryAsync(async () =>
            {
                var entry = await store.FindAsync<WaitlistEntry>(found.Id, ct);
                var now = clock.GetUtcNow();
                if (entry is not { Status: WaitlistStatus.Held } || entry.HeldUntil > now) return 0; // accepted or left meanwhile
                var expected = entry.Version;
                entry.Lapse(now);
                await promotion.CommitAsync(Released(new StoreChanges(), entry, expected, WaitlistStatus.Held, true, now), ct);
                return 1;
            });
        }
        return lapsed;
    }

    /// <summary>
    /// The repair pass: a join and a release that committed between each other's reads can leave a Waiting group that fits
    /// the free seats; this holds them. Returns how many entries it held.
    /// </summary>
    public async Task<int> PromoteWaitingAsync(CancellationToken ct = default)
    {
        var waiting = await store.ListWaitlistAsync(new WaitlistFilter(Status: WaitlistStatus.Waiting, Limit: 1000), ct);
        var held = 0;
        foreach (var sessionId in waiting.Select(e => e.SessionId).Distinct())
            held += await promotion.PromoteAsync(sessionId, ct);
        return held;
    }

    internal static StoreChanges Released(StoreChanges changes, WaitlistEntry entry, long expected, WaitlistStatus old, bool heldSeats, DateTimeOffset now)
    {
        changes.Update(entry, expected).Publish(BookingEvents.WaitlistChanged(entry, old, now));
        if (heldSeats && !entry.HoldsSeats)
            changes.ReleaseSeats(entry.SessionId, entry.Pupils).Publish(CatalogEvents.AvailabilityChanged(entry.OfferingId, entry.SessionId, entry.ProviderId, now));
        return changes;
    }

    private async Task<WaitlistEntry> OwnEntryAsync(Caller caller, Guid sessionId, Guid entryId, CancellationToken ct)
    {
        var entry = await queries.GetAsync(caller, sessionId, entryId, ct);
        if (caller.Role != Role.School || entry.SchoolId != caller.OrganizationId) throw new ForbiddenException("waitlist.school-only");
        return entry;
    }

    private async Task<(Session, Offering, Provider, School)> LoadBookableAsync(Caller caller, Guid sessionId, CancellationToken ct)
    {
        var session = await store.FindAsync<Session>(sessionId, ct) ?? throw new NotFoundException("session", sessionId);
        var offering = await store.FindAsync<Offering>(session.OfferingId, ct) ?? throw new NotFoundException("session", sessionId);
        var provider = await store.FindAsync<Provider>(offering.ProviderId, ct) ?? throw new NotFoundException("session", sessionId);
        var school = await store.FindAsync<School>(caller.OrganizationId, ct) ?? throw new NotFoundException("school", caller.OrganizationId);
        // What the school's district may not know of is never seen: 404, as for a booking.
        if (!OfferingQueries.IsPublic(offering, provider) || !DistrictReach.IsShownIn(offering, provider, school.DistrictCode))
            throw new NotFoundException("session", sessionId);
        return (session, offering, provider, school);
    }

    private static void Validate(JoinWaitlistRequest r) => new Validator()
        .Require(r.Pupils is >= 1 and <= 1000, "pupils", new("validation.range", 1, 1000))
        .Require(r.Grades is { Count: > 0 and <= 9 } g && g.All(x => x is >= 1 and <= 9) && g.Distinct().Count() == g.Count, "grades", new("offering.grades"))
        .Text(r.ContactName, "contactName", 50)
        .Require(r.ContactPhone is { Length: >= 7 and <= 20 } p && p.All(c => char.IsAsciiDigit(c) || c is '-' or '+' or ' ') && p.Count(char.IsAsciiDigit) >= 7,
            "contactPhone", new("booking.contact-phone", 7))
        .Text(r.Note, "note", 500, required: false, multiline: true)
        .ThrowIfInvalid();
}
